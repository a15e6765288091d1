package app.smishgate.gateway

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

class PduTest {
    private fun hex(s: String): ByteArray = s.replace(" ", "").chunked(2).map { it.toInt(16).toByte() }.toByteArray()

    // Service centre +819012345678, SMS-DELIVER from +818012345678, UCS-2, 2026-12-02 10:15:30 +09:00.
    private val smsc = "07 91 18 09 21 43 65 87"
    private val oa = "0C 91 18 08 21 43 65 87"
    private val scts = "62 21 20 01 51 03 63"

    private fun deliver(firstOctet: String, udh: String?, text: String = "30 42"): ByteArray {
        val ud = if (udh == null) text else udh + text
        val udl = hex(ud).size
        return hex("$smsc $firstOctet $oa 00 08 $scts ${"%02X".format(udl)} $ud")
    }

    @Test
    fun aPartWithAnEightBitReferenceIsRead() {
        assertEquals(Concat(0x2A, 1, 2), concatOf(deliver("44", "05 00 03 2A 02 01")))
    }

    @Test
    fun aPartWithASixteenBitReferenceIsRead() {
        assertEquals(Concat(0x1234, 2, 3), concatOf(deliver("44", "06 08 04 12 34 03 02")))
    }

    @Test
    fun theConcatenationElementIsFoundAfterAnotherOne() {
        // Application port addressing (IEI 05, 16-bit ports) first, then the concatenation.
        assertEquals(Concat(7, 3, 3), concatOf(deliver("44", "0B 05 04 0B 84 23 F0 00 03 07 03 03")))
    }

    @Test
    fun noHeaderNoConcatenation() {
        assertNull(concatOf(deliver("04", null)))
        // The header bit set but only a port element in it.
        assertNull(concatOf(deliver("44", "06 05 04 0B 84 23 F0")))
    }

    @Test
    fun onlyAnSmsDeliverIsRead() {
        assertNull(concatOf(deliver("45", "05 00 03 2A 02 01"))) // TP-MTI 01: SMS-SUBMIT
    }

    @Test
    fun impossibleNumbersAreIgnored() {
        assertNull(concatOf(deliver("44", "05 00 03 2A 00 01")), "count 0")
        assertNull(concatOf(deliver("44", "05 00 03 2A 02 00")), "index 0")
        assertNull(concatOf(deliver("44", "05 00 03 2A 02 03")), "index past count")
    }

    @Test
    fun everyTruncationAndEveryByteFlipIsSafe() {
        val pdu = deliver("44", "05 00 03 2A 02 01")
        for (n in 0..pdu.size) concatOf(pdu.copyOf(n))
        for (i in pdu.indices) {
            for (v in listOf(0x00, 0x7F, 0xFF)) {
                concatOf(pdu.copyOf().also { it[i] = v.toByte() })
            }
        }
        // A header length that runs past the end of the PDU.
        assertNull(concatOf(deliver("44", "7F 00 03 2A 02 01")))
    }
}
