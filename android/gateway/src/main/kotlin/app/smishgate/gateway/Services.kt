// Editing the registry from the Services screen: a service as typed into the form, checked
// field by field before the gate sees it, and the registry file in and out.
//
// The gate validates everything again (it is the authority, and a registry file bypasses the
// form); the form's own checks are there to say which field is wrong, in the person's language,
// before anything is sent.
package app.smishgate.gateway

import app.smishgate.core.LinkPolicy
import app.smishgate.core.Service
import app.smishgate.core.SmishGate

/** The fields of the service form. */
enum class Field { ID, NAME, ALIASES, SENDERS, DOMAINS }

/** Why a field was refused. */
sealed class FieldProblem {
    /** Required and empty. */
    data class Empty(val field: Field) : FieldProblem()

    /** An id has lowercase ASCII letters, digits, `-` and `_` only. */
    data class BadId(val id: String) : FieldProblem()

    /** Not a domain name: [why] names the fault. */
    data class BadDomain(val domain: String, val why: DomainFault) : FieldProblem()

    /** The gate refused the service; [reason] is its sentence. */
    data class Refused(val reason: String) : FieldProblem()
}

/** What is wrong with a domain typed into the form. */
enum class DomainFault {
    /** `https://…`, a path, a port: only the name is wanted. */
    NOT_JUST_A_NAME,

    /** No dot: `sbisec` instead of `sbisec.co.jp`. */
    NO_DOT,

    /** An empty label, a label of more than 63 characters, or one that starts or ends with `-`. */
    BAD_LABEL,

    /** A character no domain name has. */
    BAD_CHARACTER,
}

/** A field and why it was refused, with the sentence to show under it. */
data class FieldError(val field: Field, val problem: FieldProblem, val message: String)

/**
 * A service as the form holds it. Aliases, senders and domains are typed one per line (commas
 * also separate them).
 */
data class ServiceDraft(
    val id: String,
    val name: String,
    val aliases: String = "",
    val senders: String = "",
    val domains: String = "",
    val links: LinkPolicy = LinkPolicy.NEVER,
) {
    /** The lines of a list field, trimmed, empty ones dropped. */
    private fun items(text: String) = text.split('\n', ',', '、').map { it.trim() }.filter { it.isNotEmpty() }

    /** The service this draft describes (see [check] first). */
    fun toService() = Service(
        id = id.trim(),
        name = name.trim(),
        aliases = items(aliases),
        senders = items(senders),
        domains = items(domains).map { it.lowercase().removeSuffix(".") },
        links = links,
    )

    /** Every field problem, in form order; empty when the draft may be sent to the gate. */
    fun check(lang: Lang): List<FieldError> {
        val t = lang.text
        val out = mutableListOf<FieldError>()
        fun add(field: Field, p: FieldProblem) = out.add(FieldError(field, p, t.fieldProblem(p)))
        val id = id.trim()
        when {
            id.isEmpty() -> add(Field.ID, FieldProblem.Empty(Field.ID))
            !id.all { it in 'a'..'z' || it in '0'..'9' || it == '-' || it == '_' } ->
                add(Field.ID, FieldProblem.BadId(id))
        }
        if (name.isBlank()) add(Field.NAME, FieldProblem.Empty(Field.NAME))
        for (d in items(domains)) {
            domainFault(d)?.let { add(Field.DOMAINS, FieldProblem.BadDomain(d, it)) }
        }
        return out
    }

    companion object {
        /** The form filled from a registered service. */
        fun of(s: Service) = ServiceDraft(
            id = s.id,
            name = s.name,
            aliases = s.aliases.joinToString("\n"),
            senders = s.senders.joinToString("\n"),
            domains = s.domains.joinToString("\n"),
            links = s.links,
        )
    }
}

/** Why [d] is not a domain name, or `null` when it may be one (the gate has the last word). */
fun domainFault(d: String): DomainFault? {
    val name = d.lowercase().removeSuffix(".")
    if (name.contains("://") || name.any { it == '/' || it == ':' || it == '?' || it == '#' || it == '@' }) {
        return DomainFault.NOT_JUST_A_NAME
    }
    if (name.any { it.isWhitespace() || it == '_' || (it.code < 128 && !it.isLetterOrDigit() && it != '-' && it != '.') }) {
        return DomainFault.BAD_CHARACTER
    }
    if (!name.contains('.')) return DomainFault.NO_DOT
    val labels = name.split('.')
    if (labels.any { it.isEmpty() || it.length > 63 || it.startsWith('-') || it.endsWith('-') }) {
        return DomainFault.BAD_LABEL
    }
    return null
}

/** The registry as the Services screen changes it. */
class Registry(private val gate: SmishGate, private val lang: () -> Lang) {
    /** Every service, built-in and the person's, by name. */
    fun services(): Outcome<List<Service>> = attempt(lang()) { gate.services().sortedBy { it.name.lowercase() } }

    /**
     * Save a service from the form: its field problems when the form is wrong (nothing sent),
     * the gate's refusal as a problem of the form when the gate says no (nothing changed), or
     * the saved service.
     */
    fun save(draft: ServiceDraft): Pair<Service?, List<FieldError>> {
        val l = lang()
        val errors = draft.check(l)
        if (errors.isNotEmpty()) return null to errors
        val service = draft.toService()
        return when (val o = attempt(l) { gate.upsertService(service) }) {
            is Outcome.Done -> service to emptyList()
            is Outcome.Refused -> {
                val p = FieldProblem.Refused(o.message)
                null to listOf(FieldError(fieldOf(o.problem), p, l.text.fieldProblem(p)))
            }
        }
    }

    /** The field a gate refusal is about, from the field its reason names first. */
    private fun fieldOf(p: Problem): Field {
        val reason = (p as? Problem.Invalid)?.reason?.lowercase() ?: return Field.ID
        return listOf(
            "domain" to Field.DOMAINS,
            "sender" to Field.SENDERS,
            "alias" to Field.ALIASES,
            "name" to Field.NAME,
        ).filter { reason.contains(it.first) }.minByOrNull { reason.indexOf(it.first) }?.second ?: Field.ID
    }

    /** Remove the person's service (or their changes to a built-in one). */
    fun remove(id: String): Outcome<Unit> = attempt(lang()) { gate.removeService(id) }

    /** Register the sender of a reviewed message as one of [serviceId]'s. */
    fun addSender(serviceId: String, sender: String): Outcome<Unit> = attempt(lang()) { gate.addSender(serviceId, sender) }

    /** The registry file to save (services and blocked senders; never a message). */
    fun export(): Outcome<String> = attempt(lang()) { gate.exportRegistry() }

    /**
     * Read a registry file chosen by the person. A file that is not one (not JSON, another
     * format, a bad entry) is refused with the gate's sentence and the registry is unchanged.
     */
    fun import(json: String, replace: Boolean = false): Outcome<Unit> = attempt(lang()) { gate.importRegistry(json, replace) }

    /**
     * What importing [json] would change, nothing changed yet: the Services screen shows it, and
     * asks first when [ImportReview.needsConfirmation]. A bad file is refused as by [import].
     */
    fun review(json: String, replace: Boolean = false): Outcome<ImportReview> =
        attempt(lang()) { ImportReview(gate.previewImport(json, replace)) }

    /** Back to the built-in registry. */
    fun reset(): Outcome<Unit> = attempt(lang()) { gate.resetRegistry() }
}
