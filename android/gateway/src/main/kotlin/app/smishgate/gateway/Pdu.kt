// The concatenation header of a received 3GPP SMS PDU, which Android's public SmsMessage API
// does not expose: without it two long messages from one sender in one broadcast could not be
// told apart (see Multipart.kt).
package app.smishgate.gateway

/** The concatenation information element of one part: its message's reference, its number (from 1), the count. */
data class Concat(val reference: Int, val index: Int, val count: Int)

/**
 * The concatenation header of [pdu], an SMS-DELIVER as Android broadcasts it (service-centre
 * address first, then the TPDU, 3GPP TS 23.040 §9.2.2.1), or `null` when it has none, is not
 * an SMS-DELIVER, or is malformed (never an exception: the bytes come from the radio).
 */
fun concatOf(pdu: ByteArray): Concat? {
    fun at(i: Int): Int? = if (i in pdu.indices) pdu[i].toInt() and 0xFF else null
    var i = (at(0) ?: return null) + 1 // service-centre address: length in octets, then the address
    val first = at(i) ?: return null
    if (first and 0x03 != 0x00) return null // TP-MTI: only SMS-DELIVER
    if (first and 0x40 == 0) return null // TP-UDHI: no user-data header
    i += 1
    val digits = at(i) ?: return null // TP-OA: length in semi-octets, type, the digits
    i += 2 + (digits + 1) / 2
    i += 1 + 1 + 7 // TP-PID, TP-DCS, TP-SCTS
    i += 1 // TP-UDL
    val headerLength = at(i) ?: return null
    val end = i + 1 + headerLength
    if (end > pdu.size) return null
    i += 1
    while (i + 1 < end) {
        val iei = at(i)!!
        val len = at(i + 1)!!
        val data = i + 2
        if (data + len > end) return null
        when {
            // 8-bit reference: ref, count, index
            iei == 0x00 && len == 3 -> return concat(at(data)!!, at(data + 1)!!, at(data + 2)!!)
            // 16-bit reference: ref (2 octets), count, index
            iei == 0x08 && len == 4 -> return concat((at(data)!! shl 8) or at(data + 1)!!, at(data + 2)!!, at(data + 3)!!)
        }
        i = data + len
    }
    return null
}

/** A header with a count of 0 or an index outside 1..count is ignored, as the standard says. */
private fun concat(reference: Int, count: Int, index: Int): Concat? =
    if (count == 0 || index == 0 || index > count) null else Concat(reference, index, count)
