"""What every koe package shares: the vocabulary of codes and their Japanese names
(`koe.vocabulary`), the settings read from the environment (`koe.settings`) and atomic file
writes (`koe.files`). It imports nothing else of koe's."""
