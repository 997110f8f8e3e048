"""Flag rules detect intent (a threat, a demand, an incident), not words.

Each flag has realistic positives and decoys that share its vocabulary; precision and recall are
measured per flag over the whole set, and every example is also checked exactly.
"""

from __future__ import annotations

import pytest

from nlp.flags import FLAGS, detect_flags, flag_hits

SNS = "sns_threat"
ESC = "escalation_demand"
LEGAL = "legal_threat"
SAFETY = "safety"
CHURN = "churn"
REFUND = "refund_request"

# (text, expected flags), grouped by the flag each example was written for. Decoys share that
# flag's vocabulary but expect it absent (and list any other flag the text really carries).
BY_FLAG: dict[str, list[tuple[str, set[str]]]] = {}
BY_FLAG[SNS] = [
    ("こんな対応をされるなら、SNSに晒しますよ。", {SNS}),
    ("ログインできない、みんなRTして拡散して 😭", {SNS}),
    ("この対応ひどすぎ #拡散希望", {SNS}),
    ("拡散されている情報は本当ですか？", set()),
    ("誠意ある回答がなければ、この件はツイッターに全部書きます。", {SNS}),
    ("今回のやり取り、Xに投稿しますからね。", {SNS}),
    ("このままならネットに晒すしかないですね", {SNS}),
    ("対応次第では口コミに書かせてもらいます。", {SNS}),
    ("Amazonのレビューに星1で書いておきます", {SNS}),
    ("もういいです、インスタで拡散します", {SNS}),
    ("ｲﾝｽﾀのストーリーにあげてやるからな", {SNS}),
    ("対応した人の名前も出してYouTubeで公開しますよ", {SNS}),
    ("こんな欠陥品売ってること、掲示板に書き込んでやる", {SNS}),
    ("御社の対応の悪さをブログで発信するつもりです。", {SNS}),
    ("みんなに拡散してやる😡", {SNS}),
    ("知恵袋にこの会社の実態を書き込もうと思ってます", {SNS}),
    ("返事なかったらツイッターで晒すぞ", {SNS}),
    ("えー、正直言って、このままだとSNSで発信せざるを得ないですね。", {SNS}),
    ("Googleマップの口コミに全部書きますからね、今日のこと。", {SNS}),
    ("フェイスブックにもこの写真を載せます。", {SNS}),
    ("ネットで暴露しますよ、こういう対応してるって", {SNS}),
    ("SNSで見て買いました。すごく気に入ってます。", set()),
    ("インスタで紹介されていたので購入しました", set()),
    ("Xの公式アカウントを見ましたが、障害情報は出ていませんでした。", set()),
    ("レビューに書いてあった通り、本当に静かでした", set()),
    ("SNSに書くつもりはありませんが、正直残念です。", set()),
    ("ツイッターで同じ症状の人がいると知りました", set()),
    ("口コミを読んで安心して買いました", set()),
    ("とても良かったのでレビューに書きますね！", set()),
    ("SNSで晒されている人を見たことがありますが、私はそういうことはしません。", set()),
    ("ネットで調べたら同じ不具合の人が多いみたいです", set()),
]
BY_FLAG[ESC] = [
    ("上司を出してください。", {ESC}),
    ("あなたじゃ話にならない。責任者と話させて。", {ESC}),
    ("上の者に代わってもらえますか", {ESC}),
    ("社長を呼べ！", {ESC}),
    ("管理職の方とお話しさせていただけますか。", {ESC}),
    ("責任者の方から折り返しお電話をいただけますでしょうか。", {ESC}),
    ("えー、もう結構です、上司の方に代わってください。", {ESC}),
    ("責任者を出せって言ってるんだよ", {ESC}),
    ("もっと上の人と話をさせてください", {ESC}),
    ("担当者じゃなくて、責任者からきちんと説明してほしいです。", {ESC}),
    ("店長を出してもらえますか", {ESC}),
    ("マネージャーの方につないでいただけますか", {ESC}),
    ("上司に確認じゃなくて、上司本人と直接話したいんですよ", {ESC}),
    ("責任者の方からの謝罪を求めます。", {ESC}),
    ("この件、上席の方に対応をお願いしたいのですが。", {ESC}),
    ("誰か話のわかる上の人に代わってください", {ESC}),
    ("上司に勧められて買いました", set()),
    ("責任者の方によろしくお伝えください。", set()),
    ("上司と相談してから購入を決めます", set()),
    ("責任者の方にもお礼をお伝えください", set()),
    ("社長が使っているのを見て同じものを買いました", set()),
    ("上の子が使う用に買いました", set()),
    ("管理職向けの研修で使うので、50台の見積もりをお願いします", set()),
    ("上司の方に確認していただいて、後日連絡いただければ大丈夫です", set()),
    ("私が責任者ですので、私宛にご連絡ください", set()),
]
BY_FLAG[LEGAL] = [
    ("これ以上誠意のない対応なら訴えますよ。", {LEGAL}),
    ("裁判も辞さない覚悟です。", {LEGAL}),
    ("この件はすでに弁護士に相談しています。", {LEGAL}),
    ("法的措置を検討しております。", {LEGAL}),
    ("消費者センターに相談します", {LEGAL}),
    ("国民生活センターに通報させていただきます。", {LEGAL}),
    ("こんな広告、景品表示法違反じゃないですか？", {LEGAL}),
    ("出るところに出ますからね", {LEGAL}),
    ("内容証明を送らせていただきます。", {LEGAL}),
    ("すでに消費生活センターには連絡済みです。", {LEGAL}),
    ("えー、正直、訴訟も考えてます。", {LEGAL}),
    ("弁護士を立てて対応させていただきます", {LEGAL}),
    ("壊れた床の損害賠償を請求します", {LEGAL}),
    ("警察に被害届を出すつもりです", {LEGAL}),
    ("このままだと法的手段に訴えるしかないですね", {LEGAL}),
    ("消費者庁に報告しますよ", {LEGAL}),
    ("弁護士の友人が使っていて、勧められました", set()),
    ("消費者センターのHPで見た注意喚起について質問です", set()),
    ("訴えたいわけではないのですが、改善をお願いしたいです", set()),
    ("裁判所の近くの店舗で購入しました", set()),
    ("弁護士に相談するほどのことではないですが、一応ご報告です", set()),
    ("法的な保証期間について教えてください", set()),
    ("腰痛を訴えていた母にプレゼントしました", set()),
    ("消費者センターに勤めている姉からこの製品を勧められました", set()),
    ("友人には消費者センターに相談したらと言われましたが、まずはこちらにご連絡しました", set()),
]
BY_FLAG[SAFETY] = [
    ("充電中に本体から発火しました。", {SAFETY}),
    # Symptoms and the fear they give, with no hazard word said as happened.
    ("コンセントのあたりが熱を持っているんですけど。", {SAFETY}),
    ("本体の裏側が触れないくらい熱くなる。", {SAFETY}),
    ("触ったらやけどしそうなくらい熱くて。", {SAFETY}),
    ("音が途切れる。発火するのではないかと不安です。", {SAFETY}),
    ("充電台に戻らない、発火しそうで怖すぎ", {SAFETY}),
    ("今朝から本体アッツアツで怖い", {SAFETY}),
    ("子どもがやけどしそうになりました。", {SAFETY}),
    ("触れないくらい熱くなる、ということはありません。", set()),
    ("発火するのではないかと不安になる方もいるかと思いますが、うちは問題ないです。", set()),
    ("プラグのあたりは熱くなったりしないか、念のため確認したいです。", set()),
    ("コンセントから火が出たんです！", {SAFETY}),
    ("使ってたら煙が出てきて、怖くてすぐ抜きました", {SAFETY}),
    ("なんか焦げ臭いにおいがするんですけど", {SAFETY}),
    ("電源を入れたら異臭がしました", {SAFETY}),
    ("子供が本体に触ってやけどしました", {SAFETY}),
    ("取っ手を持ったらビリッと電気が走りました", {SAFETY}),
    ("バッテリーが膨張して蓋が閉まりません", {SAFETY}),
    ("ヒーター部分が熱くなりすぎて触れないほどです", {SAFETY}),
    ("刃が外れて指を怪我しました", {SAFETY}),
    ("子供が部品を誤飲してしまいました", {SAFETY}),
    ("電池が破裂して、破片が飛び散りました", {SAFETY}),
    ("スマホのバッテリーがパンパンに膨らんでます", {SAFETY}),
    ("ACアダプターが溶けていました", {SAFETY}),
    ("コードの付け根から火花が散りました", {SAFETY}),
    ("使用中に本体が異常に熱くなって、焦げたような臭いがしました", {SAFETY}),
    ("えっと、触ったら感電したんですよ、ほんとに", {SAFETY}),
    ("発火しないか心配でしたが大丈夫でした", set()),
    ("煙のような模様のデザインが素敵です", set()),
    ("安全性が高いと聞いて購入しました", set()),
    ("やけどしないように注意書きをよく読みました", set()),
    ("子供が触っても怪我の心配がないので助かります", set()),
    ("感電防止のカバーは別売りですか", set()),
    ("SNSで炎上していた件とは関係ありますか", set()),
    ("爆発的に売れていると聞きました", set()),
    ("熱くなりすぎない設計なので安心です", set()),
    ("バッテリーが膨張した場合はどうすればいいですか", set()),
]
BY_FLAG[CHURN] = [
    ("もう解約します。", {CHURN}),
    ("二度と買いません", {CHURN}),
    ("他社に乗り換えます", {CHURN}),
    ("もう使わないので、解約の手続きをお願いします", {CHURN}),
    ("リピートはしません。", {CHURN}),
    ("こんな対応なら他のメーカーに替えます", {CHURN}),
    ("来月で退会させていただきます", {CHURN}),
    ("定期便を解約したいです", {CHURN}),
    ("正直、もうここでは買わないと思います", {CHURN}),
    ("二度と利用しないです", {CHURN}),
    ("他社への乗り換えを検討しています", {CHURN}),
    ("サブスク、今月でやめます", {CHURN}),
    ("お宅の製品はもう二度と選ばない", {CHURN}),
    ("解約させてください", {CHURN}),
    ("もうこのアプリは使いません。アンインストールしました", {CHURN}),
    ("次からは別の店で買います", {CHURN}),
    ("解約方法を知りたいのではなく、プランの変更をしたいんです", set()),
    ("他社から乗り換えて正解でした", set()),
    ("解約はしませんので、修理をお願いします", set()),
    ("他社に乗り換えようかと思いましたが、対応が良かったので使い続けます", set()),
    ("二度と壊れないように大切に使います", set()),
    ("もう使わない古い機種の引き取りはできますか", set()),
    ("リピートしています、いつもありがとうございます", set()),
    ("解約した前の契約の請求がまだ来ています", set()),
    ("乗り換えキャンペーンについて教えてください", set()),
]
BY_FLAG[REFUND] = [
    ("返金してください。", {REFUND}),
    ("返品したいのですが、どうすればいいですか", {REFUND}),
    ("お金を返してほしいです", {REFUND}),
    ("交換か返金をお願いします", {REFUND}),
    ("キャンセルして返金してもらえますか", {REFUND}),
    ("全額返金を求めます", {REFUND}),
    ("金返せ", {REFUND}),
    ("返金対応をお願いできますでしょうか", {REFUND}),
    ("不良品なので返品させてください", {REFUND}),
    ("代金を返していただきたい", {REFUND}),
    ("返金は可能でしょうか", {REFUND}),
    ("注文を取り消して、お金を戻してください", {REFUND}),
    ("払い戻しを希望します", {REFUND}),
    ("返品・返金の手続きを進めてください", {REFUND}),
    ("えー、もう返金でいいです、返金で", {REFUND}),
    ("商品は返送するので返金お願いします", {REFUND}),
    ("返金は不要です。交換だけお願いします", set()),
    ("返金されました、ありがとうございました", set()),
    ("返品ポリシーを読みました", set()),
    ("返金していただき、ありがとうございました", set()),
    ("返金を求めているわけではありません", set()),
    ("以前返品したときはスムーズでした", set()),
    ("お金を返してもらいたいわけじゃなくて、ちゃんと直してほしいんです", set()),
    ("返金保証があるから安心して買えました", set()),
    ("キャンセル料は返金されないと書いてあったので確認です", set()),
]
MIXED: list[tuple[str, set[str]]] = [
    ("返金しないなら消費者センターに相談します", {REFUND, LEGAL}),
    ("上司を出せ、出さないならネットに晒すからな", {ESC, SNS}),
    ("充電中に煙が出たので、返品させてください", {SAFETY, REFUND}),
    ("もう二度と買わないし、この対応はツイッターで拡散します", {CHURN, SNS}),
    (
        "お世話になっております。先日購入したヒーターから焦げ臭いにおいがします。至急ご確認ください。",
        {SAFETY},
    ),
]
EXAMPLES = [example for flag in FLAGS for example in BY_FLAG[flag]] + MIXED


def _scores(flag: str) -> tuple[float, float, int, int]:
    tp = fp = fn = 0
    for text, expected in EXAMPLES:
        got = flag in detect_flags(text)
        want = flag in expected
        tp += got and want
        fp += got and not want
        fn += want and not got
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp + fn, sum(1 for _, e in EXAMPLES if flag not in e)


@pytest.mark.parametrize("flag", FLAGS)
def test_each_flag_has_enough_positives_and_decoys(flag):
    positives = [t for t, e in EXAMPLES if flag in e]
    assert len(positives) >= 15
    decoys = [t for t, e in BY_FLAG[flag] if flag not in e]
    assert len(decoys) >= 8


@pytest.mark.parametrize("flag", FLAGS)
def test_precision_and_recall_per_flag(flag):
    precision, recall, positives, negatives = _scores(flag)
    print(
        f"\n{flag}: precision={precision:.3f} recall={recall:.3f} (pos={positives}, neg={negatives})"
    )
    assert precision >= 0.9
    assert recall >= 0.9


@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=[t[:20] for t, _ in EXAMPLES])
def test_example(text, expected):
    assert detect_flags(text) == [f for f in FLAGS if f in expected]


def test_flags_come_back_in_declared_order():
    text = "もう二度と買わないし、返金してください。対応次第では訴えます"
    assert detect_flags(text) == ["legal_threat", "churn", "refund_request"]


def test_masked_and_full_width_input_behaves_like_plain_text():
    assert detect_flags("［氏名］さん、ＳＮＳに晒しますよ！") == ["sns_threat"]


def test_quoted_hearsay_does_not_fire():
    text = "友人に「SNSに晒してやれ」と言われましたが、そんなつもりはありません。"
    assert detect_flags(text) == []


def test_hits_name_the_phrase_that_fired():
    hits = flag_hits("えー、上司の方に代わってください。")
    assert [h.flag for h in hits] == ["escalation_demand"]
    assert "上司" in hits[0].phrase


def test_empty_text_has_no_flags():
    assert detect_flags("") == []
