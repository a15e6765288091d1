package app.smishgate.gateway

import app.smishgate.core.LinkPolicy
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The Services screen: a form checked field by field, the gate's refusals, registry files. */
class ServicesTest {
    private val gates = Gates()

    @AfterEach
    fun cleanUp() = gates.close()

    private val good = ServiceDraft("exbank", "Example Bank", "Example銀行", "EXBANK\n+81 3-1234-5678", "example-bank.co.jp", LinkPolicy.OFFICIAL)

    /** draft → (field, problem) expected. */
    private val table: List<Triple<ServiceDraft, Field, FieldProblem>> = listOf(
        Triple(good.copy(id = " "), Field.ID, FieldProblem.Empty(Field.ID)),
        Triple(good.copy(id = "Example Bank"), Field.ID, FieldProblem.BadId("Example Bank")),
        Triple(good.copy(name = ""), Field.NAME, FieldProblem.Empty(Field.NAME)),
        Triple(good.copy(domains = "https://www.example-bank.co.jp/login"), Field.DOMAINS,
            FieldProblem.BadDomain("https://www.example-bank.co.jp/login", DomainFault.NOT_JUST_A_NAME)),
        Triple(good.copy(domains = "example-bank"), Field.DOMAINS, FieldProblem.BadDomain("example-bank", DomainFault.NO_DOT)),
        Triple(good.copy(domains = "-bank.co.jp"), Field.DOMAINS, FieldProblem.BadDomain("-bank.co.jp", DomainFault.BAD_LABEL)),
        Triple(good.copy(domains = "bank..co.jp"), Field.DOMAINS, FieldProblem.BadDomain("bank..co.jp", DomainFault.BAD_LABEL)),
        Triple(good.copy(domains = "ex_bank.co.jp"), Field.DOMAINS, FieldProblem.BadDomain("ex_bank.co.jp", DomainFault.BAD_CHARACTER)),
        Triple(good.copy(domains = "example-bank.co.jp, ex bank.jp"), Field.DOMAINS, FieldProblem.BadDomain("ex bank.jp", DomainFault.BAD_CHARACTER)),
    )

    @Test
    fun `each bad field is named with a sentence in both languages, and nothing reaches the gate`() {
        val gate = gates.open()
        val before = gate.exportRegistry()
        for ((draft, field, problem) in table) {
            for (lang in Lang.entries) {
                val (saved, errors) = Registry(gate) { lang }.save(draft)
                assertEquals(null, saved)
                assertEquals(listOf(field to problem), errors.map { it.field to it.problem }, "$draft")
                assertTrue(errors.single().message.isNotBlank())
            }
            assertNotEquals(CatalogEn.fieldProblem(problem), CatalogJa.fieldProblem(problem))
        }
        assertEquals(before, gate.exportRegistry())
    }

    @Test
    fun `a form the gate refuses is shown on the field it is about, and changes nothing`() {
        val gate = gates.open()
        val before = gate.exportRegistry()
        // Well-formed, but a public suffix shared by many owners: only the gate knows.
        val (saved, errors) = Registry(gate) { Lang.EN }.save(good.copy(domains = "co.jp"))
        assertEquals(null, saved)
        val e = errors.single()
        assertEquals(Field.DOMAINS, e.field)
        assertTrue(e.message.contains("public suffix"), e.message)
        assertEquals(before, gate.exportRegistry())
    }

    @Test
    fun `a good form is saved and can be edited again`() {
        val gate = gates.open()
        val registry = Registry(gate) { Lang.JA }
        val (saved, errors) = registry.save(good)
        assertEquals(emptyList<FieldError>(), errors)
        assertNotNull(saved)
        val stored = (registry.services() as Outcome.Done).value.single { it.id == "exbank" }
        assertEquals(listOf("example-bank.co.jp"), stored.domains)
        assertEquals(LinkPolicy.OFFICIAL, stored.links)
        assertEquals("Example Bank", ServiceDraft.of(stored).name)
    }

    @Test
    fun `a malformed registry file is refused with a clear message and the registry stays as it was`() {
        val gate = gates.open()
        val registry = Registry(gate) { Lang.EN }
        registry.save(good)
        val before = gate.exportRegistry()
        for (file in listOf(
            "{not json",
            "<html><body>Download</body></html>",
            """{"version":99,"services":[]}""",
            """{"version":1,"services":[{"id":"Bad Id","name":"X"}]}""",
            """{"version":1,"services":[{"id":"x","name":"X","domains":["https://x.com/"]}]}""",
        )) {
            for (replace in listOf(false, true)) {
                val o = registry.import(file, replace)
                assertTrue(o is Outcome.Refused, file)
                o as Outcome.Refused
                assertTrue(o.problem is Problem.Invalid, "$file: ${o.problem}")
                assertTrue(o.message.startsWith("Not accepted: ") && o.message.length > 20, o.message)
                assertEquals(before, gate.exportRegistry(), file)
            }
        }
        // And the file it exports imports back.
        assertEquals(Outcome.Done(Unit), registry.import(before, replace = true))
        assertEquals(before, gate.exportRegistry())
    }

    @Test
    fun `settings refuse a retention no one can mean`() {
        assertEquals(90, Settings().retentionDays)
        for (bad in listOf(0, -1, 3651)) {
            assertTrue(runCatching { Settings(retentionDays = bad) }.isFailure)
        }
    }
}
