// The app's texts in English (the reasons come from the core).
package app.smishgate.gateway

import app.smishgate.core.Kind

/** English. */
object CatalogEn : Catalog {
    override fun heldTitle(service: String?, reason: String) =
        if (service != null) "Smishing: $service — $reason" else "Smishing — $reason"

    override val heldPublic = "smishgate flagged a message as smishing"

    override fun warningTitle(service: String?) =
        if (service != null) "Careful: a message in the name of $service" else "Careful: a suspicious message"

    override val warningPublic = "smishgate warns about a message"

    override fun codeTitle(service: String) = "Code from $service"

    override fun codePublic(service: String) = "A code from $service"

    override val notKept = "It could not be kept for review (the phone's storage failed): delete it in your SMS app."

    override val uncheckedTitle = "An SMS could not be checked"
    override val uncheckedText =
        "smishgate could not open its database, so a message that just arrived was not judged. Treat it with care: do not open its links."

    override val unexpected = "Something went wrong; nothing was changed."

    override val review = "Review"
    override val release = "Not smishing"
    override val copyCode = "Copy code"

    override val stillInSmsApp = "The message is still in your SMS app: do not open its link, and delete it there."

    override val shownOnly =
        "It did not come as an SMS (your SMS app showed it as a chat or MMS message), so smishgate could not keep a copy. Do not open its link; delete it in your SMS app."

    override val alsoShownBeside =
        "Your SMS app's alert still shows it, beside a real message, so smishgate left that alert: do not open the link from there."

    override val messagePublic = "New message"

    override val you = "You"

    override val openSmsApp = "Open in SMS app"

    override fun healthTitle(level: Level) = when (level) {
        Level.FULL -> "smishgate is protecting you"
        Level.PARTIAL -> "smishgate is only partly protecting you"
        Level.OFF -> "smishgate is not protecting you"
    }

    override fun gap(gap: Gap) = when (gap.kind) {
        Gap.Kind.NO_SMS -> "smishgate may not read incoming SMS, so it checks none of them."
        Gap.Kind.NO_NOTIFICATIONS -> "smishgate's notifications are turned off, so it cannot tell you when it flags a message."
        Gap.Kind.HELD_CHANNEL_BLOCKED -> "The notifications for ${channelName(gap.channel ?: Channel.HELD).lowercase()} are turned off: you would not hear of them."
        Gap.Kind.CHANNEL_BLOCKED -> "The notifications for ${channelName(gap.channel ?: Channel.WARNING).lowercase()} are turned off."
        Gap.Kind.NO_LISTENER -> "Notification access is off, so a lure's alert from your SMS app stays on the screen with its link."
        Gap.Kind.RESTRICTED_SETTINGS ->
            "Notification access is off. Android greys it out for apps not installed from a store: open App info, tap ⋮, choose Allow restricted settings, then turn notification access on."
        Gap.Kind.LISTENER_DISCONNECTED -> "Android has stopped smishgate's notification access for now; turn it off and on again if this stays."
        Gap.Kind.MAY_HIBERNATE -> "If you do not open smishgate for a few months, Android may take its permissions away. Turn off \"Pause app activity if unused\"."
    }

    override fun fix(fix: Fix) = when (fix) {
        Fix.GRANT_SMS -> "Allow SMS"
        Fix.NOTIFICATION_SETTINGS, Fix.CHANNEL_SETTINGS -> "Turn notifications on"
        Fix.LISTENER_SETTINGS -> "Open notification access"
        Fix.KEEP_PERMISSIONS -> "Keep permissions"
        Fix.APP_INFO -> "Open App info"
    }

    override val protectionRestored = "Everything smishgate needs is on again."

    override fun importLine(line: ImportLine) = when (line) {
        is ImportLine.NewService -> "Adds the service ${line.name}."
        is ImportLine.RemovesService -> "Removes the service ${line.name}."
        is ImportLine.Renames -> "Renames ${line.before} to ${line.name}."
        is ImportLine.Domains -> if (line.added) {
            "Makes ${line.values.joinToString(", ")} official for ${line.name}: links there would be trusted as ${line.name}'s."
        } else {
            "Removes ${line.values.joinToString(", ")} from ${line.name}'s official domains."
        }
        is ImportLine.Senders -> if (line.added) {
            "Trusts ${line.values.joinToString(", ")} as senders of ${line.name}."
        } else {
            "No longer trusts ${line.values.joinToString(", ")} as senders of ${line.name}."
        }
        is ImportLine.Aliases -> "Changes the other names of ${line.name}."
        is ImportLine.Links -> if (line.allowsLinks) {
            "${line.name} would be allowed to send links (to its official domains); today it never sends links."
        } else {
            "${line.name} would be taken as never sending links."
        }
        is ImportLine.Blocked -> if (line.added) "Blocks ${line.values.joinToString(", ")}." else "Unblocks ${line.values.joinToString(", ")}."
    }

    override val importConfirmTitle = "Change the built-in services?"
    override val importConfirm = "Import"
    override val importNothing = "The file changes nothing."

    override fun channelName(channel: Channel) = when (channel) {
        Channel.HELD -> "Smishing flagged"
        Channel.WARNING -> "Warnings"
        Channel.CODE -> "Codes from your services"
        Channel.MESSAGE -> "Messages"
        Channel.HEALTH -> "Protection"
    }

    override fun channelDescription(channel: Channel) = when (channel) {
        Channel.HELD -> "A message was flagged as smishing; smishgate keeps a copy for review."
        Channel.WARNING -> "A message looks suspicious; it was delivered."
        Channel.CODE -> "A one-time code from a service you registered, with Copy code."
        Channel.MESSAGE -> "Every message smishgate did not flag, when you chose that smishgate announces every message."
        Channel.HEALTH -> "When protection is turned off or only partly on, and what fixes it."
    }

    override fun kind(kind: Kind) = when (kind) {
        Kind.TRUSTED -> "From a registered service"
        Kind.OTP -> "One-time code"
        Kind.CLEAN -> "Nothing found"
        Kind.OFF_POLICY -> "Unusual for this service"
        Kind.UNVERIFIED_CLAIM -> "Claims a service from an unknown sender"
        Kind.SUSPICIOUS_LINK -> "Suspicious link"
        Kind.CALLBACK_LURE -> "Asks you to call or reply"
        Kind.SUSPICIOUS_TEXT -> "Known lure wording"
        Kind.IMPERSONATION -> "Impersonates a service"
        Kind.SPOOFED_SENDER -> "Spoofed sender"
        Kind.LOOKALIKE_DOMAIN -> "Look-alike domain"
        Kind.OTP_PHISHING -> "Code for another site"
        Kind.BLOCKED -> "Blocked sender"
    }

    override fun fieldProblem(problem: FieldProblem) = when (problem) {
        is FieldProblem.Empty -> when (problem.field) {
            Field.ID -> "Give the service an id."
            Field.NAME -> "Give the service a name."
            else -> "This field is empty."
        }
        is FieldProblem.BadId -> "Use lowercase letters a–z, digits, '-' or '_' only."
        is FieldProblem.BadDomain -> when (problem.why) {
            DomainFault.NOT_JUST_A_NAME -> "“${problem.domain}”: enter only the domain name, such as sbisec.co.jp, without https:// or a path."
            DomainFault.NO_DOT -> "“${problem.domain}” is not a whole domain: write it with its ending, such as sbisec.co.jp."
            DomainFault.BAD_LABEL -> "“${problem.domain}” has an empty part, a part that is too long, or one that starts or ends with '-'."
            DomainFault.BAD_CHARACTER -> "“${problem.domain}” has a character no domain name has."
        }
        is FieldProblem.Refused -> problem.reason
    }

    override fun problem(problem: Problem) = when (problem) {
        is Problem.Invalid -> "Not accepted: ${problem.reason}"
        is Problem.NotFound -> "Not found (${problem.what}); it may have been deleted."
        Problem.InUse -> "The database is in use by another copy of smishgate."
        is Problem.Storage -> "The phone's storage failed: ${problem.reason}"
        Problem.IncompatibleFormat -> "The database was written by a newer smishgate; update the app."
    }
}
