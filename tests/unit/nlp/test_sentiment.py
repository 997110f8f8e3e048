"""Sentiment rules: behaviour cases, then macro-F1 on a hand-labelled set of realistic texts.

LABELLED was written before the rules and used to develop them; HELD_OUT was written after the
rules were frozen and is measured as-is, so its figure is the honest one.
"""

from __future__ import annotations

from nlp.sentiment import raw_score

NEG, NEU, POS = "negative", "neutral", "positive"
THRESHOLD = 0.5  # summed rule weight below which the lexicon alone calls a text neutral


def lexicon_label(text: str) -> str:
    """The lexicon's own verdict on ``text``, without the classifier that reads its score."""
    raw = raw_score(text)
    return NEU if abs(raw) < THRESHOLD else POS if raw > 0 else NEG


# (channel style, text, label). Channel styles: call = spoken customer turns with fillers,
# email = formal keigo, form = terse web-form entries, sns = posts with slang, emoji, w and 草.
LABELLED: list[tuple[str, str, str]] = [
    # --- negative -------------------------------------------------------------------------
    (
        "call",
        "えーと、先週買った加湿器なんですけど、あの、電源が入らなくなっちゃって。正直かなり困ってるんですよ。",
        NEG,
    ),
    (
        "call",
        "もう三回目ですよ、電話するの。毎回たらい回しにされて、いい加減にしてほしいんですけど。",
        NEG,
    ),
    ("call", "あのですね、説明書の通りにやっても全然動かないんです。どうなってるんですか？", NEG),
    (
        "call",
        "えー、届いた時点で箱が潰れてて、中の部品も割れてました。ちょっとひどくないですか。",
        NEG,
    ),
    (
        "call",
        "そちらのアプリ、アップデートしてからログインできないんですよ。仕事で使ってるので本当に困ります。",
        NEG,
    ),
    ("call", "んー、正直がっかりしました。値段の割に音がすごくうるさくて。", NEG),
    ("call", "あの、保留長すぎませんか？もう20分待たされてるんですけど。", NEG),
    ("call", "えっと、充電してもすぐ切れちゃうんですよね。買ってまだ一か月なのに。", NEG),
    ("call", "いや、ありがとうじゃなくてですね、こっちは三日も洗濯できてないんですよ。", NEG),
    (
        "email",
        "お世話になっております。先日購入したコーヒーメーカーですが、初回使用時から水漏れが発生しております。至急ご対応いただけますでしょうか。よろしくお願いいたします。",
        NEG,
    ),
    (
        "email",
        "平素よりお世話になっております。注文した商品がまだ届いておりません。到着予定日を一週間過ぎておりますが、何の連絡もないのはいかがなものでしょうか。",
        NEG,
    ),
    (
        "email",
        "先日問い合わせた件について、未だにご回答をいただけておりません。大変遺憾です。早急なご対応をお願いいたします。",
        NEG,
    ),
    (
        "email",
        "ご担当者様\n購入したイヤホンの左側から音が出ません。初期不良ではないかと思います。交換をお願いできますでしょうか。\nお手数をおかけしますが、よろしくお願いいたします。ありがとうございます。",
        NEG,
    ),
    (
        "email",
        "請求額が注文時の金額と異なっております。二重に引き落とされているようですので、至急ご確認ください。",
        NEG,
    ),
    ("email", "本日届いた商品ですが、注文したものと色が違っておりました。大変残念です。", NEG),
    (
        "email",
        "サポートの方の対応が非常に不誠実で、不快な思いをいたしました。改善を強く求めます。",
        NEG,
    ),
    (
        "email",
        "いつも利用させていただいております。今回の製品は以前のモデルと比べて明らかに品質が落ちており、満足できるものではありませんでした。",
        NEG,
    ),
    ("form", "電源入らない。初期不良？", NEG),
    ("form", "アプリが頻繁に落ちる。使い物にならない", NEG),
    ("form", "配送遅すぎ", NEG),
    ("form", "フィルター交換のたびに異音がする。不満。", NEG),
    ("form", "説明書がわかりにくい。結局設定できなかった。", NEG),
    ("form", "値段高いのにすぐ壊れた", NEG),
    ("form", "問い合わせフォームから送っても返事なし", NEG),
    ("sns", "〇〇の新しいスマートウォッチ、3日で画面割れたんだがｗｗｗ 最悪すぎる", NEG),
    ("sns", "サポートに電話したら1時間待たされて草も生えない", NEG),
    ("sns", "さすが〇〇さん、3回目の初期不良ですねw 素晴らしい品質管理(棒)", NEG),
    ("sns", "アプデ来てから全然同期しないんだけど😡 なんとかして", NEG),
    ("sns", "もう二度とここで買わん。対応ひどすぎ", NEG),
    ("sns", "期待してたのに微妙すぎてがっかり😞", NEG),
    ("sns", "バッテリー膨らんできて怖いんだけど…大丈夫なんかこれ", NEG),
    ("sns", "素晴らしい対応でしたね、3週間放置とは(棒)", NEG),
    ("sns", "ログインできなくて詰んだ。どうしてくれんの", NEG),
    # --- positive -------------------------------------------------------------------------
    (
        "call",
        "あ、そうなんですね！それで直りました。いやー助かりました、ありがとうございます。",
        POS,
    ),
    (
        "call",
        "えーと、前に買ったのがすごく使いやすかったので、今回も同じのにしようと思いまして。",
        POS,
    ),
    ("call", "はい、はい、あー、今つながりました！丁寧に教えていただいて本当に助かりました。", POS),
    ("call", "いや、先日の方もすごく親切で、おかげで無事に使えるようになりました。", POS),
    ("call", "あの、お礼を言いたくてお電話したんです。修理がすごく早くて、感動しました。", POS),
    ("call", "うん、音もいいし、とっても気に入ってます。", POS),
    ("call", "なるほど、よくわかりました。わかりやすい説明をありがとうございました。", POS),
    ("call", "ああ、よかった。これで安心して使えます。", POS),
    (
        "email",
        "先日は迅速にご対応いただき、誠にありがとうございました。交換品も無事届き、快適に使用しております。",
        POS,
    ),
    (
        "email",
        "購入して一か月になりますが、とても満足しております。特に静音性が素晴らしいと感じています。",
        POS,
    ),
    (
        "email",
        "担当の方の丁寧なご説明のおかげで、問題なく設定することができました。心より御礼申し上げます。",
        POS,
    ),
    (
        "email",
        "以前から気になっていた商品で、実際に使ってみて期待以上でした。家族にも好評です。",
        POS,
    ),
    (
        "email",
        "修理から戻ってきた製品は新品同様で、大変ありがたく思っております。今後ともよろしくお願いいたします。",
        POS,
    ),
    ("email", "問い合わせへの返信が早く、大変助かりました。引き続き愛用させていただきます。", POS),
    (
        "email",
        "新しいアプリのデザインがとても見やすくなりましたね。操作も直感的で使いやすいです。",
        POS,
    ),
    ("form", "使いやすい。満足", POS),
    ("form", "音が静かで快適です", POS),
    ("form", "コスパ最高", POS),
    ("form", "対応が早くて助かりました", POS),
    ("form", "デザインが好き。色もかわいい", POS),
    ("form", "思っていたより軽くて持ち運びが楽", POS),
    ("form", "不満はありません。リピートします", POS),
    ("form", "特に問題なく使えています。悪くないです", POS),
    ("sns", "〇〇の加湿器買ったけど最高すぎる✨ もっと早く買えばよかった", POS),
    ("sns", "サポートの人めっちゃ神対応だった🙏", POS),
    ("sns", "このイヤホン音良すぎて草", POS),
    ("sns", "新機能便利すぎん？w", POS),
    ("sns", "壊れたと思ったら丁寧に交換してくれた。ありがたい😭", POS),
    ("sns", "推しの家電。毎日使ってる❤️", POS),
    ("sns", "やっと届いた！想像以上にいい感じ👍", POS),
    ("sns", "問題なく使えてる。買ってよかった", POS),
    # --- neutral --------------------------------------------------------------------------
    (
        "call",
        "えーと、使い方を教えていただきたいんですけど。タイマーの設定ってどうやるんですか？",
        NEU,
    ),
    ("call", "あの、注文した商品の配送状況を確認したいんですが。", NEU),
    ("call", "はい、型番はですね、えー、KX-200です。", NEU),
    ("call", "あ、もしもし。えー、住所変更をお願いしたくてお電話しました。", NEU),
    ("call", "そうですね、じゃあ、その方法で一回やってみます。", NEU),
    ("call", "えっと、保証期間って何年でしたっけ？", NEU),
    ("call", "あ、はい、わかりました。ではまた何かあれば連絡します。", NEU),
    ("call", "すみません、領収書の発行ってできますか？", NEU),
    (
        "email",
        "お世話になっております。請求書の宛名変更をお願いしたく、ご連絡いたしました。よろしくお願いいたします。",
        NEU,
    ),
    (
        "email",
        "いつもありがとうございます。法人向けの見積もりをお願いできますでしょうか。数量は50台を予定しております。",
        NEU,
    ),
    (
        "email",
        "ご担当者様\n次回の入荷予定日を教えていただけますでしょうか。何卒よろしくお願い申し上げます。",
        NEU,
    ),
    ("email", "先日購入した製品の取扱説明書のPDFはどちらからダウンロードできますでしょうか。", NEU),
    (
        "email",
        "登録メールアドレスを［メール］に変更したいと考えております。手続き方法をご教示ください。",
        NEU,
    ),
    ("email", "お世話になります。交換用フィルターの型番を確認させていただきたく存じます。", NEU),
    ("email", "お忙しいところ恐れ入ります。配送日を来週に変更することはできないでしょうか。", NEU),
    ("email", "万が一故障した場合、保証期間内であれば無償で修理していただけるのでしょうか。", NEU),
    ("form", "替えのパッキンは単品で購入できますか", NEU),
    ("form", "取扱説明書の再送希望", NEU),
    ("form", "領収書の宛名を会社名にしてください", NEU),
    ("form", "ポイントの有効期限を知りたい", NEU),
    ("form", "配送先を変更したい。注文番号は［注文番号］", NEU),
    ("form", "対応OSを教えてください", NEU),
    ("form", "特になし", NEU),
    ("sns", "〇〇の新型、来月発売らしい", NEU),
    ("sns", "加湿器どれにしようか迷ってる。おすすめある？", NEU),
    ("sns", "今日から〇〇のセールか", NEU),
    ("sns", "サポートに電話したけど明日折り返しになった", NEU),
    ("sns", "フィルター交換って何か月ごとにやればいいんだろ", NEU),
    ("sns", "店頭で実物見てきた。サイズ感はこんな感じ📷", NEU),
    ("sns", "アプリのアップデート来てるね", NEU),
    ("sns", "説明書読みながら組み立て中w", NEU),
]

HELD_OUT: list[tuple[str, str, str]] = [
    # --- negative -------------------------------------------------------------------------
    ("call", "あー、もしもし。昨日届いたケトルなんですけど、蓋がちゃんと閉まらないんですよ。", NEG),
    ("call", "えっとですね、何回リセットしても同じエラーが出るんです。もうお手上げで。", NEG),
    (
        "call",
        "ちょっと聞いてほしいんですけど、前回の担当の方、言ってることが全然違ったんですよ。",
        NEG,
    ),
    (
        "email",
        "お世話になっております。先月修理に出した掃除機ですが、戻ってきてから吸引力が弱くなっております。再度ご確認いただけますと幸いです。",
        NEG,
    ),
    ("email", "ご案内いただいた手順で操作いたしましたが、症状は改善しておりません。", NEG),
    (
        "email",
        "注文確定後にキャンセルの連絡をいたしましたが、商品が発送されてしまいました。納得がいきません。",
        NEG,
    ),
    ("form", "画面がちらつく。気になって使えない", NEG),
    ("form", "届いた箱がびしょ濡れでした", NEG),
    ("form", "サイズ表記と実物が全然ちがう", NEG),
    ("sns", "〇〇のドライヤー、半年で壊れるとかありえん", NEG),
    ("sns", "サポートのチャット、ずっと「順番にご案内します」のまま動かんのだが", NEG),
    ("sns", "アプリ重すぎて開くまで1分かかる。ストレスたまる", NEG),
    # --- positive -------------------------------------------------------------------------
    ("call", "あ、はい、今ちゃんと動いてます。いやあ、ほんとにありがとうございました。", POS),
    ("call", "えー、娘にプレゼントしたら、すごく喜んでまして。それでお礼をと思いまして。", POS),
    ("call", "前の機種より全然静かで、夜も気にならなくなりました。", POS),
    (
        "email",
        "先日はお忙しいところご対応いただきありがとうございました。おかげさまで無事に復旧いたしました。",
        POS,
    ),
    (
        "email",
        "長年使っておりますが、故障もなく大変重宝しております。後継機が出ましたらぜひ購入したいと考えております。",
        POS,
    ),
    ("email", "梱包が丁寧で、商品も写真の通りの美しい仕上がりでした。", POS),
    ("form", "軽くて使いやすいです。母も喜んでいます", POS),
    ("form", "電話の方の説明がわかりやすかったです", POS),
    ("form", "期待通りの性能。満足しています", POS),
    ("sns", "ここのサポート、神すぎて泣いた", POS),
    ("sns", "新しいケトル、沸くの早くてびびるw 買ってよかった", POS),
    ("sns", "修理めちゃくちゃ早かった！助かる〜", POS),
    # --- neutral --------------------------------------------------------------------------
    ("call", "あの、延長保証って今からでも入れるんでしょうか。", NEU),
    ("call", "えーと、電池の交換って自分でやっても大丈夫なんですかね。", NEU),
    ("call", "はい、じゃあ来週の水曜日でお願いします。", NEU),
    (
        "email",
        "お世話になっております。修理の進捗状況について確認させていただけますでしょうか。",
        NEU,
    ),
    ("email", "請求書払いに対応しているか教えていただけますと幸いです。", NEU),
    ("email", "下記の住所への発送をお願いいたします。", NEU),
    ("form", "色違いの在庫はありますか", NEU),
    ("form", "保証書を紛失した場合の手続きを知りたい", NEU),
    ("form", "法人での一括購入を検討中", NEU),
    ("sns", "〇〇のサポートって土日もやってるのかな", NEU),
    ("sns", "明日届く予定。楽しみにしとく", NEU),
    ("sns", "新色出るってほんと？", NEU),
]


def macro_f1(pairs: list[tuple[str, str]]) -> tuple[float, dict[str, float]]:
    """Macro-averaged F1 over the three labels for (gold, predicted) pairs."""
    per_label = {}
    for label in (NEG, NEU, POS):
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_label[label] = (
            2 * precision * recall / (precision + recall) if precision + recall else 0.0
        )
    return sum(per_label.values()) / 3, per_label


def _evaluate(dataset):
    return [(gold, lexicon_label(text)) for _, text, gold in dataset]


def test_labelled_set_is_balanced_and_covers_every_channel_style():
    for label in (NEG, NEU, POS):
        rows = [row for row in LABELLED if row[2] == label]
        assert len(rows) >= 30
        assert {style for style, _, _ in rows} == {"call", "email", "form", "sns"}


def test_macro_f1_on_labelled_set():
    score, per_label = macro_f1(_evaluate(LABELLED))
    print(f"\nLABELLED n={len(LABELLED)} macro-F1={score:.3f} per label={per_label}")
    assert score >= 0.85


def test_macro_f1_on_held_out_set():
    # Measured once, as-is, after the rules were frozen: 0.768 (LABELLED: 1.000). The floor
    # guards against regressions; do not tune the rules on these texts.
    assert len(HELD_OUT) >= 36
    score, per_label = macro_f1(_evaluate(HELD_OUT))
    print(f"\nHELD_OUT n={len(HELD_OUT)} macro-F1={score:.3f} per label={per_label}")
    assert score >= 0.70


def test_negation_flips_and_rhetorical_question_keeps_polarity():
    assert lexicon_label("悪くないです") == POS
    assert lexicon_label("満足できませんでした") == NEG
    assert lexicon_label("ちょっとひどくないですか") == NEG
    assert lexicon_label("配送日を変更することはできないでしょうか") == NEU


def test_the_lexicon_score_is_deterministic():
    for _, text, _ in LABELLED:
        assert raw_score(text) == raw_score(text)
