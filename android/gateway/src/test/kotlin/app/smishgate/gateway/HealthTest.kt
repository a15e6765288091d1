package app.smishgate.gateway

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** What each condition Android can take away means for the protection, and what fixes it. */
class HealthTest {
    private val ok = Conditions(
        smsPermission = true,
        notificationsEnabled = true,
        listenerGranted = true,
        listenerConnected = true,
        hibernationExempt = true,
        sideloaded = false,
        sdk = 35,
    )

    /** A change from everything on → the gaps it opens, the level, the fix of the first. */
    private val table: List<Triple<Conditions, List<Gap.Kind>, Fix?>> = listOf(
        Triple(ok, emptyList(), null),
        Triple(ok.copy(smsPermission = false), listOf(Gap.Kind.NO_SMS), Fix.GRANT_SMS),
        Triple(ok.copy(notificationsEnabled = false), listOf(Gap.Kind.NO_NOTIFICATIONS), Fix.NOTIFICATION_SETTINGS),
        Triple(ok.copy(notificationsEnabled = false, blockedChannels = setOf(Channel.HELD)), listOf(Gap.Kind.NO_NOTIFICATIONS), Fix.NOTIFICATION_SETTINGS),
        Triple(ok.copy(blockedChannels = setOf(Channel.HELD)), listOf(Gap.Kind.HELD_CHANNEL_BLOCKED), Fix.CHANNEL_SETTINGS),
        Triple(ok.copy(blockedChannels = setOf(Channel.WARNING)), listOf(Gap.Kind.CHANNEL_BLOCKED), Fix.CHANNEL_SETTINGS),
        Triple(ok.copy(blockedChannels = setOf(Channel.MESSAGE)), listOf(Gap.Kind.CHANNEL_BLOCKED), Fix.CHANNEL_SETTINGS),
        Triple(ok.copy(blockedChannels = setOf(Channel.MESSAGE), announceAll = true), listOf(Gap.Kind.HELD_CHANNEL_BLOCKED), Fix.CHANNEL_SETTINGS),
        Triple(ok.copy(listenerGranted = false, listenerConnected = false), listOf(Gap.Kind.NO_LISTENER), Fix.LISTENER_SETTINGS),
        Triple(ok.copy(listenerGranted = false, listenerConnected = false, sideloaded = true), listOf(Gap.Kind.RESTRICTED_SETTINGS), Fix.APP_INFO),
        Triple(ok.copy(listenerGranted = false, listenerConnected = false, sideloaded = true, sdk = 32), listOf(Gap.Kind.NO_LISTENER), Fix.LISTENER_SETTINGS),
        Triple(ok.copy(listenerConnected = false), listOf(Gap.Kind.LISTENER_DISCONNECTED), Fix.LISTENER_SETTINGS),
        Triple(ok.copy(hibernationExempt = false), listOf(Gap.Kind.MAY_HIBERNATE), Fix.KEEP_PERMISSIONS),
        Triple(ok.copy(hibernationExempt = null, sdk = 29), emptyList(), null),
        Triple(
            ok.copy(hibernationExempt = false, listenerConnected = false, smsPermission = false),
            listOf(Gap.Kind.NO_SMS, Gap.Kind.LISTENER_DISCONNECTED, Gap.Kind.MAY_HIBERNATE),
            Fix.GRANT_SMS,
        ),
    )

    @Test
    fun `every condition opens its gap, the worst first, with its fix`() {
        for ((c, kinds, fix) in table) {
            val g = gaps(c)
            assertEquals(kinds, g.map { it.kind }, c.toString())
            assertEquals(fix, g.firstOrNull()?.fix, c.toString())
            val expected = when {
                kinds.any { it.level == Level.OFF } -> Level.OFF
                kinds.isEmpty() -> Level.FULL
                else -> Level.PARTIAL
            }
            assertEquals(expected, level(g))
            for (lang in Lang.entries) {
                for (gap in g) {
                    val s = lang.text.gap(gap)
                    assertTrue(s.isNotBlank() && s != gap.kind.name, "$lang ${gap.kind}")
                    assertTrue(lang.text.fix(gap.fix).isNotBlank())
                }
            }
        }
    }

    @Test
    fun `the health notification announces a new gap once, and the return to full once`() {
        val off = gaps(ok.copy(listenerConnected = false))
        assertNull(healthNotice(null, off, Lang.EN), "not on the first reading")
        val n = healthNotice(emptyList(), off, Lang.EN)
        assertNotNull(n)
        assertEquals(Channel.HEALTH, n!!.channel)
        assertEquals(CatalogEn.healthTitle(Level.PARTIAL), n.title)
        assertTrue(n.text.contains("notification access"))
        assertNull(healthNotice(off, off, Lang.EN), "the same gap is not announced again")
        val worse = gaps(ok.copy(listenerConnected = false, smsPermission = false))
        val w = healthNotice(off, worse, Lang.JA)!!
        assertEquals(CatalogJa.healthTitle(Level.OFF), w.title)
        assertEquals(CatalogJa.gap(Gap(Gap.Kind.NO_SMS)), w.text, "only what is new")
        assertEquals(CatalogEn.protectionRestored, healthNotice(worse, emptyList(), Lang.EN)!!.text)
        assertNull(healthNotice(emptyList(), emptyList(), Lang.EN))
    }
}
