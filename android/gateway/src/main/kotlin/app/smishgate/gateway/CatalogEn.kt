// The app's texts in English (the reasons come from the core).
package app.smishgate.gateway

/** English. */
object CatalogEn : Catalog {
    override fun heldTitle(service: String?, reason: String) =
        if (service != null) "Smishing held: $service — $reason" else "Smishing held — $reason"

    override val heldPublic = "smishgate held a suspicious message"

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
    override val release = "Release"
    override val copyCode = "Copy code"

    override fun channelName(channel: Channel) = when (channel) {
        Channel.HELD -> "Held messages"
        Channel.WARNING -> "Warnings"
        Channel.CODE -> "Codes from your services"
    }

    override fun channelDescription(channel: Channel) = when (channel) {
        Channel.HELD -> "A message judged smishing was held in quarantine."
        Channel.WARNING -> "A message looks suspicious; it was delivered."
        Channel.CODE -> "A one-time code from a service you registered, with Copy code."
    }

    override fun kind(kind: String) = when (kind) {
        "trusted" -> "From a registered service"
        "otp" -> "One-time code"
        "clean" -> "Nothing found"
        "off-policy" -> "Unusual for this service"
        "unverified-claim" -> "Claims a service from an unknown sender"
        "suspicious-link" -> "Suspicious link"
        "callback-lure" -> "Asks you to call or reply"
        "suspicious-text" -> "Known lure wording"
        "impersonation" -> "Impersonates a service"
        "spoofed-sender" -> "Spoofed sender"
        "lookalike-domain" -> "Look-alike domain"
        "otp-phishing" -> "Code for another site"
        "blocked" -> "Blocked sender"
        else -> kind
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
