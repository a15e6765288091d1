// The app's texts in Japanese (the reasons come from the core).
package app.smishgate.gateway

/** 日本語. */
object CatalogJa : Catalog {
    override fun heldTitle(service: String?, reason: String) =
        if (service != null) "フィッシングSMSを隔離: $service — $reason" else "フィッシングSMSを隔離 — $reason"

    override val heldPublic = "smishgate が不審なメッセージを隔離しました"

    override fun warningTitle(service: String?) =
        if (service != null) "注意: $service を名乗るメッセージ" else "注意: 不審なメッセージ"

    override val warningPublic = "smishgate からの注意"

    override fun codeTitle(service: String) = "$service の確認コード"

    override fun codePublic(service: String) = "$service から確認コードが届きました"

    override val notKept = "端末の保存領域の問題で隔離できませんでした。SMSアプリで削除してください。"

    override val uncheckedTitle = "SMSを確認できませんでした"
    override val uncheckedText =
        "smishgate のデータベースを開けず、届いたメッセージを判定できませんでした。リンクを開かず、注意して扱ってください。"

    override val unexpected = "問題が発生しました。何も変更していません。"

    override val review = "確認する"
    override val release = "解除"
    override val copyCode = "コードをコピー"

    override fun channelName(channel: Channel) = when (channel) {
        Channel.HELD -> "隔離したメッセージ"
        Channel.WARNING -> "注意"
        Channel.CODE -> "登録サービスの確認コード"
    }

    override fun channelDescription(channel: Channel) = when (channel) {
        Channel.HELD -> "フィッシングと判定したメッセージを隔離しました。"
        Channel.WARNING -> "不審な点があるメッセージです（配信済み）。"
        Channel.CODE -> "登録したサービスからの確認コード（コピーできます）。"
    }

    override fun kind(kind: String) = when (kind) {
        "trusted" -> "登録サービスから"
        "otp" -> "確認コード"
        "clean" -> "問題なし"
        "off-policy" -> "このサービスとしては異例"
        "unverified-claim" -> "未登録の送信元がサービスを名乗っています"
        "suspicious-link" -> "不審なリンク"
        "callback-lure" -> "電話や返信を求めています"
        "suspicious-text" -> "詐欺でよく使われる文面"
        "impersonation" -> "なりすまし"
        "spoofed-sender" -> "送信元の偽装"
        "lookalike-domain" -> "偽のドメイン"
        "otp-phishing" -> "別のサイト用のコード"
        "blocked" -> "ブロックした送信元"
        else -> kind
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
