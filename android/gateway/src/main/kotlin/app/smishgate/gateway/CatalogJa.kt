// The app's texts in Japanese (the reasons come from the core).
package app.smishgate.gateway

import app.smishgate.core.Kind

/** 日本語. */
object CatalogJa : Catalog {
    override fun heldTitle(service: String?, reason: String) =
        if (service != null) "詐欺SMSの疑い：「$service」を名乗っています — $reason" else "詐欺SMSの疑い — $reason"

    override val heldPublic = "smishgate が詐欺SMSの疑いを見つけました"

    override fun warningTitle(service: String?) =
        if (service != null) "注意：「$service」を名乗るメッセージ" else "注意：不審なメッセージ"

    override val warningPublic = "smishgate からの注意"

    override fun codeTitle(service: String) = "${service}の認証コード"

    override fun codePublic(service: String) = "${service}から認証コードが届きました"

    override val notKept = "端末の保存領域の問題で隔離できませんでした。SMSアプリで削除してください。"

    override val uncheckedTitle = "SMSを確認できませんでした"
    override val uncheckedText =
        "smishgate のデータベースを開けず、届いたメッセージを判定できませんでした。リンクを開かず、注意して扱ってください。"

    override val unexpected = "問題が発生しました。何も変更していません。"

    override val review = "内容を見る"
    override val release = "詐欺ではない"
    override val copyCode = "コードをコピー"

    override val stillInSmsApp = "このメッセージはSMSアプリに残っています。リンクを開かず、SMSアプリで削除してください。"

    override val shownOnly =
        "SMSではなく（SMSアプリのチャットやMMSとして）届いたため、smishgate には写しを残せませんでした。リンクを開かず、SMSアプリで削除してください。"

    override val alsoShownBeside =
        "SMSアプリの通知には本物のメッセージも並んでいるため、その通知は消していません。そこからリンクを開かないでください。"

    override val messagePublic = "新しいメッセージ"

    override val you = "自分"

    override val openSmsApp = "SMSアプリで開く"

    override fun healthTitle(level: Level) = when (level) {
        Level.FULL -> "smishgate が保護しています"
        Level.PARTIAL -> "smishgate の保護が一部止まっています"
        Level.OFF -> "smishgate の保護が止まっています"
    }

    override fun gap(gap: Gap) = when (gap.kind) {
        Gap.Kind.NO_SMS -> "SMSの読み取りが許可されていないため、届いたSMSを確認できません。"
        Gap.Kind.NO_NOTIFICATIONS -> "smishgate の通知がオフのため、詐欺SMSの疑いをお知らせできません。"
        Gap.Kind.HELD_CHANNEL_BLOCKED -> "「${channelName(gap.channel ?: Channel.HELD)}」の通知がオフのため、お知らせが届きません。"
        Gap.Kind.CHANNEL_BLOCKED -> "「${channelName(gap.channel ?: Channel.WARNING)}」の通知がオフになっています。"
        Gap.Kind.NO_LISTENER -> "通知へのアクセスがオフのため、詐欺SMSのリンク付きの通知がSMSアプリから表示されたままになります。"
        Gap.Kind.RESTRICTED_SETTINGS ->
            "通知へのアクセスがオフです。ストア以外から入れたアプリでは設定が灰色になります。「アプリ情報」を開き、右上の ⋮ から「制限付き設定を許可」を選んでから、通知へのアクセスをオンにしてください。"
        Gap.Kind.LISTENER_DISCONNECTED -> "Android が smishgate の通知へのアクセスを一時的に止めています。続くときは、一度オフにしてからオンにしてください。"
        Gap.Kind.MAY_HIBERNATE -> "smishgate を数か月開かないと、Android が権限を取り消すことがあります。「使用されていないアプリを一時停止」をオフにしてください。"
    }

    override fun fix(fix: Fix) = when (fix) {
        Fix.GRANT_SMS -> "SMSを許可"
        Fix.NOTIFICATION_SETTINGS, Fix.CHANNEL_SETTINGS -> "通知をオンにする"
        Fix.LISTENER_SETTINGS -> "通知へのアクセスを開く"
        Fix.KEEP_PERMISSIONS -> "権限を保つ"
        Fix.APP_INFO -> "アプリ情報を開く"
    }

    override val protectionRestored = "smishgate に必要な設定がすべてオンに戻りました。"

    override fun importLine(line: ImportLine) = when (line) {
        is ImportLine.NewService -> "サービス「${line.name}」を追加します。"
        is ImportLine.RemovesService -> "サービス「${line.name}」を削除します。"
        is ImportLine.Renames -> "「${line.before}」の名前を「${line.name}」に変えます。"
        is ImportLine.Domains -> if (line.added) {
            "${line.values.joinToString("、")} を「${line.name}」の公式ドメインにします。そこへのリンクは「${line.name}」のものとして扱われます。"
        } else {
            "${line.values.joinToString("、")} を「${line.name}」の公式ドメインから外します。"
        }
        is ImportLine.Senders -> if (line.added) {
            "${line.values.joinToString("、")} を「${line.name}」の送信元として信頼します。"
        } else {
            "${line.values.joinToString("、")} を「${line.name}」の送信元から外します。"
        }
        is ImportLine.Aliases -> "「${line.name}」の別名を変えます。"
        is ImportLine.Links -> if (line.allowsLinks) {
            "「${line.name}」がリンク（公式ドメインへのもの）を送ることを認めます。今はリンクを送らないサービスです。"
        } else {
            "「${line.name}」をリンクを送らないサービスとして扱います。"
        }
        is ImportLine.Blocked -> if (line.added) "${line.values.joinToString("、")} をブロックします。" else "${line.values.joinToString("、")} のブロックを解除します。"
    }

    override val importConfirmTitle = "組み込みのサービスを変更しますか？"
    override val importConfirm = "読み込む"
    override val importNothing = "このファイルで変わるものはありません。"

    override fun channelName(channel: Channel) = when (channel) {
        Channel.HELD -> "詐欺SMSの疑い"
        Channel.WARNING -> "注意"
        Channel.CODE -> "登録サービスの認証コード"
        Channel.MESSAGE -> "メッセージ"
        Channel.HEALTH -> "保護の状態"
    }

    override fun channelDescription(channel: Channel) = when (channel) {
        Channel.HELD -> "詐欺SMSの疑いがあるメッセージです。smishgate が確認用に写しを隔離しています。"
        Channel.WARNING -> "不審な点があるメッセージです（配信済み）。"
        Channel.CODE -> "登録したサービスからの認証コード（コピーできます）。"
        Channel.MESSAGE -> "「すべてのメッセージを smishgate が知らせる」をオンにしたときの、詐欺の疑いがないメッセージです。"
        Channel.HEALTH -> "保護が止まったり一部だけになったりしたときと、その直し方です。"
    }

    override fun kind(kind: Kind) = when (kind) {
        Kind.TRUSTED -> "登録サービスから"
        Kind.OTP -> "認証コード"
        Kind.CLEAN -> "問題なし"
        Kind.OFF_POLICY -> "このサービスとしては異例"
        Kind.UNVERIFIED_CLAIM -> "未登録の送信元がサービスを名乗っています"
        Kind.SUSPICIOUS_LINK -> "不審なリンク"
        Kind.CALLBACK_LURE -> "電話や返信を求めています"
        Kind.SUSPICIOUS_TEXT -> "詐欺でよく使われる文面"
        Kind.IMPERSONATION -> "なりすまし"
        Kind.SPOOFED_SENDER -> "送信元の偽装"
        Kind.LOOKALIKE_DOMAIN -> "偽のドメイン"
        Kind.OTP_PHISHING -> "別のサイト用のコード"
        Kind.BLOCKED -> "ブロックした送信元"
    }

    override fun fieldProblem(problem: FieldProblem) = when (problem) {
        is FieldProblem.Empty -> when (problem.field) {
            Field.ID -> "IDを入力してください。"
            Field.NAME -> "サービス名を入力してください。"
            else -> "入力されていません。"
        }
        is FieldProblem.BadId -> "IDには半角の英小文字・数字・「-」「_」だけを使えます。"
        is FieldProblem.BadDomain -> when (problem.why) {
            DomainFault.NOT_JUST_A_NAME -> "「${problem.domain}」: https:// やパスを付けず、sbisec.co.jp のようにドメイン名だけを入力してください。"
            DomainFault.NO_DOT -> "「${problem.domain}」はドメインの一部です。sbisec.co.jp のように末尾まで入力してください。"
            DomainFault.BAD_LABEL -> "「${problem.domain}」に空の部分、長すぎる部分、または「-」で始まるか終わる部分があります。"
            DomainFault.BAD_CHARACTER -> "「${problem.domain}」にドメイン名に使えない文字があります。"
        }
        is FieldProblem.Refused -> problem.reason
    }

    override fun problem(problem: Problem) = when (problem) {
        is Problem.Invalid -> "受け付けられません: ${problem.reason}"
        is Problem.NotFound -> "見つかりません（${problem.what}）。削除された可能性があります。"
        Problem.InUse -> "データベースが別の smishgate で使用中です。"
        is Problem.Storage -> "端末の保存領域の問題です: ${problem.reason}"
        Problem.IncompatibleFormat -> "新しいバージョンの smishgate で作られたデータベースです。アプリを更新してください。"
    }
}
