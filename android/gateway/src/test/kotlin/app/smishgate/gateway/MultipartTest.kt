package app.smishgate.gateway

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** Joining the PDUs of one broadcast into messages. */
class MultipartTest {
    private val t0 = 1_790_000_000_000L

    @Test
    fun `a single part is one message`() {
        val m = joinParts(listOf(SmsPart("+819011112222", "認証コード 123456", t0)))
        assertEquals(1, m.size)
        assertEquals("+819011112222", m[0].sender)
        assertEquals("認証コード 123456", m[0].body)
        assertEquals(t0, m[0].receivedAtMs)
    }

    @Test
    fun `parts join in index order whatever order they came in, with the earliest time`() {
        val parts = listOf(
            SmsPart("SBI", "kai.top/login", t0 + 2, reference = 7, index = 3, count = 3),
            SmsPart("SBI", "【SBI証券】お取引制限のお知らせ。", t0 + 1, reference = 7, index = 1, count = 3),
            SmsPart("SBI", "至急ご確認ください https://sbisec-", t0 + 3, reference = 7, index = 2, count = 3),
        )
        val m = joinParts(parts)
        assertEquals(1, m.size)
        assertEquals("【SBI証券】お取引制限のお知らせ。至急ご確認ください https://sbisec-kai.top/login", m[0].body)
        assertEquals(t0 + 1, m[0].receivedAtMs)
    }

    @Test
    fun `two messages in one broadcast stay two, in arrival order`() {
        val parts = listOf(
            SmsPart("+15550001", "Your parcel is held: pay the ", t0, reference = 1, index = 1, count = 2),
            SmsPart("+15550002", "Hi mum, this is my new number", t0 + 5),
            SmsPart("+15550001", "fee at https://usps-fee.top/x", t0, reference = 1, index = 2, count = 2),
            SmsPart("+15550001", "A second message, same sender", t0 + 9, reference = 2, index = 1, count = 1),
        )
        val m = joinParts(parts)
        assertEquals(
            listOf(
                "+15550001" to "Your parcel is held: pay the fee at https://usps-fee.top/x",
                "+15550002" to "Hi mum, this is my new number",
                "+15550001" to "A second message, same sender",
            ),
            m.map { it.sender to it.body },
        )
    }

    @Test
    fun `parts without a header from one sender are joined in arrival order`() {
        val m = joinParts(
            listOf(SmsPart("Amazon", "お支払い方法に問題があります。", t0), SmsPart("Amazon", "https://amazon-jp.icu/", t0)),
        )
        assertEquals(listOf("お支払い方法に問題があります。https://amazon-jp.icu/"), m.map { it.body })
    }

    @Test
    fun `no parts, no messages, and an unknown time is no time`() {
        assertEquals(emptyList<Any>(), joinParts(emptyList()))
        assertEquals(null, joinParts(listOf(SmsPart("x", "y", 0))).single().receivedAtMs)
    }

    @Test
    fun `a service-centre time is kept unless it is implausible`() {
        val now = 1_796_000_000_000L
        val day = 24L * 3600 * 1000
        // Kept: what a redelivery repeats, and a phone that was off for a week.
        assertEquals(now - 5_000, plausibleTime(now - 5_000, now))
        assertEquals(now - 7 * day, plausibleTime(now - 7 * day, now))
        assertEquals(now + day / 2, plausibleTime(now + day / 2, now))
        // Replaced by the phone's clock: a base station in 2000, one a week ahead.
        assertEquals(now, plausibleTime(946_684_800_000L, now))
        assertEquals(now, plausibleTime(now + 7 * day, now))
        assertEquals(now, plausibleTime(now - 31 * day, now))
    }

    @Test
    fun `an e-mail-to-SMS message is one message, shown from the address on its first part`() {
        // Android shows the e-mail address as part 1's display address only; the originating
        // address (the gateway's number) is the same on every part.
        val parts = listOf(
            SmsPart("+16505550100", "Your parcel is held at the depot. Pay the fee of ", 10, 9, 1, 2, shownAs = "notice@parcel-care.example"),
            SmsPart("+16505550100", "1.99 at https://parcel-care.example/pay", 11, 9, 2, 2, shownAs = "+16505550100"),
        )
        for (order in listOf(parts, parts.reversed())) {
            val m = joinParts(order).single()
            assertEquals("notice@parcel-care.example", m.sender)
            assertEquals("Your parcel is held at the depot. Pay the fee of 1.99 at https://parcel-care.example/pay", m.body)
        }
    }
}
