"""Steps that only read stored vectors (clustering, marts) never load torch."""

from __future__ import annotations

import subprocess
import sys


def test_model_id_and_the_cache_need_no_torch():
    code = (
        "import sys, nlp.embed, nlp.issues.catalogue, pipeline.analysis;"
        "nlp.embed.model_id();"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
