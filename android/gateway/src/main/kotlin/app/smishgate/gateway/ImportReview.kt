// A registry file, read before it is imported: what it would change, in lines a person reads,
// and whether to ask first. A "bank list" sent by an attacker that adds their domain to a bank's
// official ones, or their number to its senders, would make every later lure from them look
// like the bank's own: such a change to a built-in service, or to the blocked list, is shown
// and asked for before anything changes.
package app.smishgate.gateway

import app.smishgate.core.ChangeKind
import app.smishgate.core.ImportPreview
import app.smishgate.core.LinkPolicy

/** One change a registry file would make, as the confirmation lists it. */
sealed class ImportLine {
    /** The service's name (the one after the change). */
    abstract val name: String

    data class NewService(override val name: String) : ImportLine()
    data class RemovesService(override val name: String) : ImportLine()
    data class Renames(override val name: String, val before: String) : ImportLine()
    data class Domains(override val name: String, val added: Boolean, val values: List<String>) : ImportLine()
    data class Senders(override val name: String, val added: Boolean, val values: List<String>) : ImportLine()
    data class Aliases(override val name: String) : ImportLine()
    data class Links(override val name: String, val allowsLinks: Boolean) : ImportLine()
    data class Blocked(val added: Boolean, val values: List<String>) : ImportLine() {
        override val name: String get() = ""
    }
}

/** What a registry file would change, from the gate's preview of it. */
class ImportReview(preview: ImportPreview) {
    /** Every change, the ones that need a confirmation first. */
    val lines: List<ImportLine>

    /**
     * Whether the person must confirm: the file changes a built-in service's domains, senders
     * or link policy, removes one, or changes the blocked list.
     */
    val needsConfirmation: Boolean

    init {
        val asked = mutableListOf<ImportLine>()
        val plain = mutableListOf<ImportLine>()
        for (c in preview.services) {
            val sensitive = if (c.builtin) asked else plain
            when (c.change) {
                ChangeKind.ADDED -> plain += ImportLine.NewService(c.name)
                ChangeKind.REMOVED -> sensitive += ImportLine.RemovesService(c.name)
                ChangeKind.CHANGED -> {
                    if (c.domainsAdded.isNotEmpty()) sensitive += ImportLine.Domains(c.name, true, c.domainsAdded)
                    if (c.sendersAdded.isNotEmpty()) sensitive += ImportLine.Senders(c.name, true, c.sendersAdded)
                    val before = c.linksBefore
                    val after = c.linksAfter
                    if (before != null && after != null && before != after) {
                        sensitive += ImportLine.Links(c.name, allowsLinks = after == LinkPolicy.OFFICIAL)
                    }
                    if (c.domainsRemoved.isNotEmpty()) sensitive += ImportLine.Domains(c.name, false, c.domainsRemoved)
                    if (c.sendersRemoved.isNotEmpty()) sensitive += ImportLine.Senders(c.name, false, c.sendersRemoved)
                    c.nameBefore?.let { plain += ImportLine.Renames(c.name, it) }
                    if (c.aliasesAdded.isNotEmpty() || c.aliasesRemoved.isNotEmpty()) plain += ImportLine.Aliases(c.name)
                }
            }
        }
        if (preview.blockedAdded.isNotEmpty()) asked += ImportLine.Blocked(true, preview.blockedAdded)
        if (preview.blockedRemoved.isNotEmpty()) asked += ImportLine.Blocked(false, preview.blockedRemoved)
        lines = asked + plain
        needsConfirmation = asked.isNotEmpty()
    }

    /** The lines in [lang]. */
    fun text(lang: Lang): List<String> = lines.map(lang.text::importLine).ifEmpty { listOf(lang.text.importNothing) }
}
