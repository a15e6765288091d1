// SMS-DELIVER PDUs built byte by byte as a network sends them (3GPP TS 23.040 §9.2.2.1,
// TS 23.038 for the alphabets), so that the receiver is tested on what the radio hands
// Android, parsed by the framework's own SmsMessage.
package app.smishgate.app

import android.content.Intent
import android.provider.Telephony
import java.io.ByteArrayOutputStream
import java.time.ZonedDateTime

object Pdus {
    /** The service centre every test PDU names (+81 90 1234 5678). */
    private const val SMSC = "819012345678"

    /** One message's PDUs: GSM 7-bit when [ucs2] is false (one part), else UCS-2, split into parts when long. */
    fun message(sender: String, text: String, at: ZonedDateTime, ucs2: Boolean, reference: Int = 0x2A): List<ByteArray> {
        if (!ucs2) return listOf(pdu(sender, at, dcs = 0x00, header = null, userData = gsm7(text)))
        val units = text.toCharArray()
        if (units.size <= 70) return listOf(pdu(sender, at, dcs = 0x08, header = null, userData = ucs2Of(text)))
        // With the 6-octet concatenation header, 134 octets are left: 67 UCS-2 units a part.
        val chunks = units.toList().chunked(67).map { String(it.toCharArray()) }
        return chunks.mapIndexed { i, chunk ->
            val header = byteArrayOf(0x00, 0x03, reference.toByte(), chunks.size.toByte(), (i + 1).toByte())
            pdu(sender, at, dcs = 0x08, header = header, userData = ucs2Of(chunk))
        }
    }

    /** An SMS_RECEIVED broadcast carrying [pdus], as the telephony stack sends it. */
    fun intent(pdus: List<ByteArray>): Intent = Intent(Telephony.Sms.Intents.SMS_RECEIVED_ACTION)
        .putExtra("pdus", pdus.map { it as Any }.toTypedArray())
        .putExtra("format", "3gpp")

    private class Ud(val bytes: ByteArray, val length: Int, val septets: Boolean)

    private fun pdu(sender: String, at: ZonedDateTime, dcs: Int, header: ByteArray?, userData: Ud): ByteArray {
        val o = ByteArrayOutputStream()
        val sc = semiOctets(SMSC)
        o.write(sc.size + 1)
        o.write(0x91)
        o.write(sc)
        // TP-MTI = SMS-DELIVER, TP-MMS (no more messages waiting), TP-UDHI when there is a header.
        o.write(0x04 or (if (header != null) 0x40 else 0))
        address(o, sender)
        o.write(0x00) // TP-PID
        o.write(dcs)
        o.write(timestamp(at))
        if (header == null) {
            o.write(userData.length)
            o.write(userData.bytes)
        } else {
            require(!userData.septets) { "only UCS-2 parts carry a header here" }
            o.write(1 + header.size + userData.length)
            o.write(header.size)
            o.write(header)
            o.write(userData.bytes)
        }
        return o.toByteArray()
    }

    /** TP-OA: an international number, or an alphanumeric sender id in 7-bit. */
    private fun address(o: ByteArrayOutputStream, sender: String) {
        if (sender.startsWith("+")) {
            val digits = sender.drop(1)
            o.write(digits.length)
            o.write(0x91)
            o.write(semiOctets(digits))
        } else {
            val packed = gsm7(sender)
            o.write((sender.length * 7 + 3) / 4) // the length counts semi-octets of the packed form
            o.write(0xD0)
            o.write(packed.bytes)
        }
    }

    private fun semiOctets(digits: String): ByteArray {
        val d = if (digits.length % 2 == 1) digits + "F" else digits
        return ByteArray(d.length / 2) { i ->
            ((d[2 * i + 1].digitToInt(16) shl 4) or d[2 * i].digitToInt(16)).toByte()
        }
    }

    /** TP-SCTS: year to second in swapped semi-octets, then the zone in quarter hours. */
    private fun timestamp(at: ZonedDateTime): ByteArray {
        fun two(n: Int) = (((n % 10) shl 4) or (n / 10)).toByte()
        val quarters = at.offset.totalSeconds / 900
        val zone = two(kotlin.math.abs(quarters)).toInt() or (if (quarters < 0) 0x08 else 0)
        return byteArrayOf(
            two(at.year % 100), two(at.monthValue), two(at.dayOfMonth),
            two(at.hour), two(at.minute), two(at.second), zone.toByte(),
        )
    }

    private fun ucs2Of(text: String) = text.toByteArray(Charsets.UTF_16BE).let { Ud(it, it.size, septets = false) }

    /** The GSM default alphabet for the characters the tests use, packed 8 septets to 7 octets. */
    private fun gsm7(text: String): Ud {
        val septets = text.map { c ->
            when (c) {
                '@' -> 0x00
                '$' -> 0x02
                '_' -> 0x11
                '\n' -> 0x0A
                in 'A'..'Z', in 'a'..'z', in '0'..'9' -> c.code
                in " !\"#%&'()*+,-./:;<=>?" -> c.code
                else -> error("not in the test alphabet: $c")
            }
        }
        val out = ByteArrayOutputStream()
        var acc = 0
        var bits = 0
        for (s in septets) {
            acc = acc or (s shl bits)
            bits += 7
            while (bits >= 8) {
                out.write(acc and 0xFF)
                acc = acc ushr 8
                bits -= 8
            }
        }
        if (bits > 0) out.write(acc and 0xFF)
        return Ud(out.toByteArray(), septets.size, septets = true)
    }
}
