package app.smishgate.core

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * `previewImport` through the generated bindings: the record shape a screen reads to ask
 * before a registry file changes a built-in service or the blocked list, and that the preview
 * changes nothing.
 */
class ImportPreviewTest {
    private val dbs = TempDbs()

    private fun tempDb(): String = dbs.path()

    @AfterEach
    fun cleanUp() = dbs.close()

    /** An attacker's "bank list": its domain and number for a built-in brokerage, links allowed. */
    private val bankList = """{"version":1,
        "services":[{"id":"sbi-sec","senders":["+81 80-4417-2093"],"domains":["sbisec-co-jp.xyz"],"links":"official"}],
        "blocked":["SPAM"]}"""

    @Test
    fun oneBuiltinServiceChangedAndOneSenderBlocked() {
        SmishGate(tempDb()).use { gate ->
            val sbi = gate.services().single { it.id == "sbi-sec" }
            val registry = gate.exportRegistry()
            val p = gate.previewImport(bankList)
            assertEquals(registry, gate.exportRegistry(), "a preview changes nothing")
            assertEquals(
                ServiceChange(
                    id = "sbi-sec",
                    name = sbi.name,
                    builtin = true,
                    change = ChangeKind.CHANGED,
                    domainsAdded = listOf("sbisec-co-jp.xyz"),
                    domainsRemoved = emptyList(),
                    sendersAdded = listOf("+81 80-4417-2093"),
                    sendersRemoved = emptyList(),
                    aliasesAdded = emptyList(),
                    aliasesRemoved = emptyList(),
                    linksBefore = LinkPolicy.NEVER,
                    linksAfter = LinkPolicy.OFFICIAL,
                    nameBefore = null,
                ),
                p.services.single(),
            )
            assertEquals(listOf("SPAM"), p.blockedAdded)
            assertEquals(emptyList<String>(), p.blockedRemoved)

            // The import does what the preview said; then the same file changes nothing.
            gate.importRegistry(bankList)
            assertTrue(gate.services().single { it.id == "sbi-sec" }.domains.contains("sbisec-co-jp.xyz"))
            assertEquals(ImportPreview(emptyList(), emptyList(), emptyList()), gate.previewImport(bankList))
            // Replacing with a file of nothing would undo both.
            val undo = gate.previewImport("""{"version":1}""", replace = true)
            assertEquals(ChangeKind.CHANGED, undo.services.single().change)
            assertEquals(listOf("sbisec-co-jp.xyz"), undo.services.single().domainsRemoved)
            assertEquals(listOf("SPAM"), undo.blockedRemoved)
        }
    }

    @Test
    fun aBadFileIsTheImportsErrorAndChangesNothing() {
        SmishGate(tempDb()).use { gate ->
            val registry = gate.exportRegistry()
            for (bad in listOf("{ not json", """{"version":1,"services":[{"id":"x","domains":["*.bad..com"]}]}""")) {
                val preview = assertThrows<SmishGateException.InvalidInput> { gate.previewImport(bad) }
                val import = assertThrows<SmishGateException.InvalidInput> { gate.importRegistry(bad) }
                assertEquals(import.reason, preview.reason)
            }
            assertEquals(registry, gate.exportRegistry())
            assertFalse(gate.services().any { it.id == "x" })
        }
    }
}
