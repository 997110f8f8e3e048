"""Recurring questions planted in the sample inbox: what customers keep asking when nothing is
broken, each asked in many wordings, over every channel.

A question voice about a product with a planted topic is about that topic most of the time
(`FAQ_SHARE`). Its words are drawn from the topic's phrasings for the channel's register (a keigo
mail, a terse form, a spoken call, a casual post), with an optional reason before the question,
so no two voices need share a sentence. Each topic also carries how often a call about it is
solved at first contact: the data the FAQ page's 1次解決率 reads.

The topics' own randomness is a stream apart from the rest of the generator, so planting them
leaves every other voice, call and figure of a seed as it was.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Share of a topic product's question voices that ask one of its planted topics.
FAQ_SHARE = 0.6


@dataclass(frozen=True)
class FaqTopic:
    key: str
    product: str  # sample.catalog.Product.key
    summary: str
    inquiry: str  # question | request
    first_contact_resolution: float  # chance a call about it is solved at first contact
    reasons: tuple[str, ...]  # plain clauses that lead up to the question
    formal: tuple[str, ...]  # keigo questions for mail, without 。
    terse: tuple[str, ...]  # form fragments
    spoken: tuple[str, ...]  # a caller's words after 「…のことでちょっと聞きたいんですけど、」
    casual: tuple[str, ...]  # social posts

    def compose(self, channel: str, rng: random.Random) -> str:
        """One wording of the topic for ``channel``: sometimes a reason first, then the ask."""
        reason = rng.choice(self.reasons) if rng.random() < 0.5 else ""
        if channel == "sns":  # a post is short: the ask alone
            return rng.choice(self.casual)
        if channel == "email":
            ask = rng.choice(self.formal)
            return f"{reason}のですが、{ask}" if reason else ask
        if channel == "form":
            ask = rng.choice(self.terse)
            return f"{reason}。{ask}" if reason else ask
        if channel == "call":
            ask = rng.choice(self.spoken)
            return f"{reason}んですけど、{ask}" if reason else ask
        return rng.choice(self.casual)


FAQ_TOPICS: tuple[FaqTopic, ...] = (
    FaqTopic(
        key="kw3_transfer",
        product="kw3",
        summary="機種変更したスマホへのデータ・ペアリングの引き継ぎ",
        inquiry="question",
        first_contact_resolution=0.45,
        reasons=(
            "スマホを新しい機種に替えた",
            "来週スマホを乗り換える",
            "携帯を買い替えた",
            "古いスマホを下取りに出して新しいのにした",
        ),
        formal=(
            "新しいスマートフォンに睡眠や歩数の記録を引き継ぐ手順を教えていただけますでしょうか",
            "機種変更の際、時計とのペアリングはいったん解除したほうがよろしいのでしょうか",
            "これまでの心拍や運動のデータを新しい端末へ移す方法はございますか",
            "スマホを替えたあともウォッチの履歴を見られるようにするには、どうすればよいでしょうか",
            "新しい携帯電話で同じアカウントにログインすれば、記録はそのまま見られますか",
        ),
        terse=(
            "機種変更時のデータ移行方法を知りたい",
            "新しいスマホへの引き継ぎ手順は？",
            "スマホ買い替え後、ウォッチの記録を残したまま再ペアリングする方法",
            "機種変更。過去の睡眠データ移行できますか",
            "端末変更時のペアリング解除は必要？",
        ),
        spoken=(
            "スマホを替えたら、時計のデータってどうやって移せばいいんですかね",
            "機種変するときって、ペアリングを一回切らないとだめなんでしょうか",
            "今までの歩数とかの記録、新しい携帯に持っていけます？",
            "新しいスマホにアプリを入れ直したら、前のデータは出てくるんですか",
            "引き継ぎのやり方を教えてもらえますか",
        ),
        casual=(
            "KW-3のデータって新しいスマホにどうやって引き継ぐの？",
            "機種変するんだけどKW-3の記録って移行できる？方法知りたい",
            "ウォッチのペアリング、機種変のとき一回解除するんだっけ",
            "スマホ替えたんだけど睡眠ログ引き継げる？誰か教えて",
            "機種変前にやっとくことある？KW-3の移行",
        ),
    ),
    FaqTopic(
        key="kx200_childlock",
        product="kx200",
        summary="チャイルドロックのかけ方・解除のしかた",
        inquiry="question",
        first_contact_resolution=0.92,
        reasons=(
            "小さい子どもがボタンを触ってしまう",
            "孫が遊びに来るたびに設定を変えられてしまう",
            "2歳の娘がスイッチを押したがる",
            "子ども部屋で使っている",
        ),
        formal=(
            "チャイルドロックの設定方法をご教示いただけますでしょうか",
            "ボタン操作を受け付けないようにロックする機能はございますか",
            "チャイルドロックを解除するにはどのボタンを長押しすればよろしいでしょうか",
            "子どもがいたずらできないように操作をロックすることは可能でしょうか",
            "ロックをかけたまま電源だけ切ることはできますか",
        ),
        terse=(
            "チャイルドロックのかけ方",
            "操作ロックの設定と解除方法を教えてください",
            "ロック解除のやり方を知りたい",
            "子供のいたずら防止機能ありますか",
            "ボタンロックは何秒長押し？",
        ),
        spoken=(
            "チャイルドロックってどうやってかけるんですかね",
            "ボタンを押せないようにするロックみたいなのって付いてます？",
            "ロックを外すのはどこを押せばいいんでしょう",
            "子どもが触っても大丈夫なように設定できますかね",
            "鍵のマークを消すにはどうしたらいいんでしょう",
        ),
        casual=(
            "加湿器のチャイルドロックってどうやるの？",
            "KX-200、子どもがボタン連打するんだけどロック機能ある？",
            "加湿器の鍵マークってどうやって消すの？",
            "うちの加湿器ロックのかけ方誰か知ってたら教えて〜",
            "子どもにイタズラされない設定ってあるのかな加湿器",
        ),
    ),
    FaqTopic(
        key="kakeibo_share",
        product="kakeibo",
        summary="家族・夫婦で家計簿を共有したい（共有機能の要望）",
        inquiry="request",
        first_contact_resolution=0.8,
        reasons=(
            "夫婦で家計を管理している",
            "妻と財布を一緒にしている",
            "共働きでそれぞれ買い物をする",
            "大学生の子どもの仕送りも記録したい",
        ),
        formal=(
            "家族それぞれのスマートフォンから同じ家計簿に入力できるようにしていただけないでしょうか",
            "夫婦で一つの家計簿を共有できる機能を追加していただけると大変助かります",
            "無料プランでも家族と共有できるようにしていただきたく、ご検討をお願いいたします",
            "共有相手ごとに見せる口座を選べるようにしていただけませんでしょうか",
            "家族の支出をまとめて一つのグラフで見られるようにしてほしいと考えております",
        ),
        terse=(
            "家族共有機能の追加希望",
            "夫婦で同じ家計簿を使えるようにしてほしい",
            "複数端末から同時入力できるようにしてください",
            "共有メンバーを増やせるようにしてほしい",
            "家族アカウント機能の要望",
        ),
        spoken=(
            "夫と二人で同じ家計簿をつけられるようにしてもらえないかなと思って",
            "家族で共有する機能があったらいいなと思うんですよ",
            "妻のスマホからも入力できるようにしてほしいんですけど",
            "共有のやつ、無料でも使えるようになりませんかね",
            "二台のスマホで一緒に使えるようにしてほしくて",
        ),
        casual=(
            "かけいぼPlus、夫婦で共有できたら神なんだけどな",
            "家計簿アプリに家族共有機能ほしい！！",
            "旦那と同じ家計簿つけたいのに共有できないの惜しい",
            "かけいぼPlusさん家族アカウント作ってください🙏",
            "共有機能無料にしてくれたら即課金…はしないけど使い続ける",
        ),
    ),
    FaqTopic(
        key="rc7_schedule",
        product="rc7",
        summary="留守中に掃除させる予約（スケジュール）の設定",
        inquiry="question",
        first_contact_resolution=0.88,
        reasons=(
            "平日は家にいない",
            "仕事に出ている間に掃除を済ませておきたい",
            "朝の出勤後に動かしたい",
            "旅行中も毎日掃除させたい",
        ),
        formal=(
            "外出中に決まった時刻に掃除を開始させる設定方法を教えていただけますでしょうか",
            "曜日ごとに掃除の予約を変えることは可能でしょうか",
            "スケジュール運転を本体のボタンだけで設定することはできますか",
            "予約の設定内容をアプリで確認する方法をご教示ください",
            "アプリを使わずにタイマー予約をする方法はございますか",
        ),
        terse=(
            "スケジュール掃除の設定方法",
            "曜日別の予約はできますか",
            "タイマー予約のやり方",
            "外出中に自動で掃除させたい。設定手順を知りたい",
            "予約運転の変更方法は？",
        ),
        spoken=(
            "留守の間に勝手に掃除してくれる予約って、どうやって入れるんですかね",
            "曜日で時間を変えたりできるんでしょうか",
            "タイマーみたいなのってアプリからしか設定できないんですか",
            "毎朝9時に動くようにしたいんですけど、どこで設定するんでしょう",
            "スケジュールの画面ってアプリのどこにあるんですか",
        ),
        casual=(
            "RC-7って曜日ごとに掃除の予約できる？",
            "お掃除ロボ、留守中に動かす設定どこ？",
            "ロボット掃除機のスケジュール設定ってどこからやるの？",
            "RC-7のタイマー予約の仕方教えてほしい",
            "出かけてる間に掃除しといてほしいんだけど予約ってどうやるの",
        ),
    ),
)

TOPICS_BY_PRODUCT: dict[str, tuple[FaqTopic, ...]] = {}
for _topic in FAQ_TOPICS:
    TOPICS_BY_PRODUCT[_topic.product] = (*TOPICS_BY_PRODUCT.get(_topic.product, ()), _topic)


def pick_topic(product: str, rng: random.Random) -> FaqTopic | None:
    """The planted topic a question about ``product`` asks, or None (one of the product's own
    one-line questions)."""
    topics = TOPICS_BY_PRODUCT.get(product, ())
    if not topics or rng.random() >= FAQ_SHARE:
        return None
    return rng.choice(topics)
