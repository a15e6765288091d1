package app.smishgate.core

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The database-less `Classifier` (for when the phone's database will not open), through the
 * generated bindings: its verdicts are a fresh `SmishGate`'s in the same region, and an
 * unknown region is refused as `SmishGate` refuses it.
 */
class ClassifierTest {
    private val dbs = TempDbs()

    private fun tempDb(): String = dbs.path()

    @AfterEach
    fun cleanUp() = dbs.close()

    private val messages = listOf(
        Sms("+81 80-4417-2093", "【SBI証券】お取引制限のお知らせ。本人確認はこちら https://sbisec-co-jp.xyz/login", null),
        Sms("0356650771", "【りそな銀行】ワンタイムパスワード：482913 有効期限は5分です。", null),
        Sms("93557", "Wells Fargo: your one-time code is 551923. We'll never call to ask for it.", null),
        Sms("+15550001234", "USPS: your parcel is held, pay the fee at https://usps-fee-1.top/p", null),
        Sms("+819011112222", "明日10.30に駅で", 1_790_000_000_000L),
        Sms("", "", null),
    )

    @Test
    fun verdictsAreAFreshGatesInTheSameRegion() {
        for (region in listOf("JP", "US")) {
            val want = SmishGate(tempDb(), region).use { it.classifyBatch(messages) }
            val got = Classifier(region).use { it.classifyBatch(messages) }
            assertEquals(want, got, region)
            Classifier(region).use { c ->
                messages.zip(want).forEach { (m, v) -> assertEquals(v, c.classify(m)) }
            }
        }
        // The default region is JP, as SmishGate's.
        val jp = Classifier().use { it.classifyBatch(messages) }
        assertEquals(SmishGate(tempDb()).use { it.classifyBatch(messages) }, jp)
        assertEquals(Action.QUARANTINE, jp[0].action)
        assertEquals(Kind.TRUSTED, jp[1].kind)
        assertEquals("482913", jp[1].otp)
        assertEquals(Action.DELIVER, jp[4].action)
    }

    @Test
    fun anUnknownRegionIsRefusedAsSmishGateRefusesIt() {
        val want = assertThrows<SmishGateException.InvalidInput> { SmishGate(tempDb(), "XX") }
        val got = assertThrows<SmishGateException.InvalidInput> { Classifier("XX") }
        assertEquals(want.reason, got.reason)
        assertTrue(got.reason.contains("region"), got.reason)
    }
}
