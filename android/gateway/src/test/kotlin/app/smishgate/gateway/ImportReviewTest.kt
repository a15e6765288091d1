package app.smishgate.gateway

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** A registry file read before it is imported: what it would change, and when to ask first. */
class ImportReviewTest {
    private val gates = Gates()

    @AfterEach
    fun cleanUp() = gates.close()

    private fun file(services: String, blocked: String = "") =
        """{"version":1,"services":[$services]${if (blocked.isEmpty()) "" else ""","blocked":[$blocked]"""}}"""

    private fun review(json: String): ImportReview {
        val registry = Registry(gates.open()) { Lang.EN }
        return (registry.review(json) as Outcome.Done).value
    }

    /** A built-in service of the default registry (its id, to edit it in a file). */
    private fun builtIn(): app.smishgate.core.Service = gates.open().services().first { it.links == app.smishgate.core.LinkPolicy.NEVER && it.domains.isNotEmpty() }

    @Test
    fun `an attacker's domain and number added to a built-in service needs a confirmation that names both`() {
        val s = builtIn()
        val gate = gates.open()
        val registry = Registry(gate) { Lang.EN }
        val json = file("""{"id":"${s.id}","name":"${s.name}","senders":["+819099990000"],"domains":["${s.id}-secure-login.top"],"links":"official"}""")
        val r = (registry.review(json) as Outcome.Done).value
        assertTrue(r.needsConfirmation)
        val text = r.text(Lang.EN).joinToString("\n")
        assertTrue(text.contains("${s.id}-secure-login.top"), text)
        assertTrue(text.contains("+819099990000"), text)
        assertTrue(text.contains("allowed to send links"), text)
        // Nothing changed by the review.
        val after = gate.services().first { it.id == s.id }
        assertEquals(s, after)
    }

    @Test
    fun `a new service of the person's own is shown but needs no confirmation`() {
        val r = review(file("""{"id":"mybank","name":"My Bank","senders":["MYBANK"],"domains":["mybank.co.jp"],"links":"never"}"""))
        assertFalse(r.needsConfirmation)
        assertEquals(listOf(ImportLine.NewService("My Bank")), r.lines)
    }

    @Test
    fun `blocking or unblocking senders needs a confirmation`() {
        val r = review(file("", blocked = """"+819011112222""""))
        assertTrue(r.needsConfirmation)
        assertTrue(r.text(Lang.JA).single().contains("ブロック"))
    }

    @Test
    fun `a file that changes nothing says so, and a bad file is refused`() {
        val r = review(file(""))
        assertFalse(r.needsConfirmation)
        assertEquals(listOf(CatalogEn.importNothing), r.text(Lang.EN))
        val refused = Registry(gates.open()) { Lang.EN }.review("{not json")
        assertTrue(refused is Outcome.Refused)
    }
}
