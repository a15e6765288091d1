// The texts the app shows a person, one catalog per language (CatalogEn.kt, CatalogJa.kt).
//
// The reasons themselves come from the core, in both languages; these are the words around
// them: notification titles, action labels, kind names and the messages of refused input.
package app.smishgate.gateway

import app.smishgate.core.Kind

/** Every text of the app in one language. Implemented once per [Lang]. */
interface Catalog {
    /** "Smishing held: SBI Securities — It links to a site that is not SBI's." */
    fun heldTitle(service: String?, reason: String): String

    /** A held message, on the lock screen: no service, body or reason. */
    val heldPublic: String

    /** A warning: what the message claims to be, if anything. */
    fun warningTitle(service: String?): String

    /** A warning on the lock screen. */
    val warningPublic: String

    /** Title of a trusted one-time-code message. */
    fun codeTitle(service: String): String

    /** A code message on the lock screen: never the code. */
    fun codePublic(service: String): String

    /** Said when a message judged an attack could not be kept (storage full or damaged). */
    val notKept: String

    /** Said when an SMS arrived and could not be judged at all (the database would not open). */
    val uncheckedTitle: String
    val uncheckedText: String

    /** A request failed in a way the gate has no kind for (a bug): a sentence, never a crash. */
    val unexpected: String

    /** Said in a held notice: where the message still is and what to do about it. */
    val stillInSmsApp: String

    /** Said in a held notice for a text that never came as an SMS (RCS, MMS): there is no copy. */
    val shownOnly: String

    /** Said in a held notice when the SMS app's alert was left because it shows a real message too. */
    val alsoShownBeside: String

    /** A message notification (the takeover) on the lock screen: no sender, no body. */
    val messagePublic: String

    /** The person themselves, in a message notification's conversation. */
    val you: String

    /** Action labels. */
    val review: String
    val release: String
    val copyCode: String
    val openSmsApp: String

    /** The health notification's title and the banner's first line, by the protection left. */
    fun healthTitle(level: Level): String

    /** One gap in a sentence that says what is wrong and what the button does. */
    fun gap(gap: Gap): String

    /** The button that fixes a gap. */
    fun fix(fix: Fix): String

    /** Said once when every gap is closed again. */
    val protectionRestored: String

    /** What a registry file would change, one line per change (the import's confirmation). */
    fun importLine(line: ImportLine): String

    /** The import's confirmation: asked before a file changes a built-in service or the blocked list. */
    val importConfirmTitle: String
    val importConfirm: String
    val importNothing: String

    /** Notification channel names and descriptions (Settings › Notifications). */
    fun channelName(channel: Channel): String
    fun channelDescription(channel: Channel): String

    /** A verdict kind (`lookalike-domain`…) as a person reads it. */
    fun kind(kind: Kind): String

    /** Why a field of a service was refused. */
    fun fieldProblem(problem: FieldProblem): String

    /** What went wrong with a request to the gate, in a sentence. */
    fun problem(problem: Problem): String
}
