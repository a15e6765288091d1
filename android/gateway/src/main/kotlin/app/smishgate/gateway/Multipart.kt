// The parts of a concatenated SMS, joined into the one message the gate judges.
//
// A long SMS travels as several PDUs, each with its own header: the sender, the service
// centre's timestamp, and (in the user-data header) a reference shared by the parts of one
// message, the part's number and the count. Android hands a receiver every PDU of a broadcast at
// once, usually one message's parts in order, but a broadcast can carry parts of two messages
// and nothing promises the order. Judging parts one by one would cut a link at a part boundary
// and miss a lure whose pressure is in part 1 and whose link is in part 2.
package app.smishgate.gateway

import app.smishgate.core.Sms

/**
 * One received PDU, as the shell reads it from `SmsMessage`: the originating address (what
 * parts are joined by), the text of this part, the service-centre timestamp (epoch ms), the
 * concatenation header when there is one (`reference`, `index` from 1, `count`), and the
 * address to show when it differs ([shownAs]: an e-mail-to-SMS gateway puts the e-mail
 * address in part 1's text, and Android shows it for that part only).
 */
data class SmsPart(
    val sender: String,
    val body: String,
    val timestampMs: Long,
    val reference: Int? = null,
    val index: Int? = null,
    val count: Int? = null,
    val shownAs: String? = null,
)

/**
 * Join parts into messages: parts with the same originating sender and reference are one message, in the
 * order of their index (arrival order when they have none, or for equal indexes); parts with
 * no reference from one sender in one broadcast are taken as one message in arrival order,
 * which is how Android delivers a concatenated SMS whose header it has already read. A message
 * gets its earliest part's timestamp. Messages come out in the order their first part arrived.
 */
fun joinParts(parts: List<SmsPart>): List<Sms> {
    data class Key(val sender: String, val reference: Int?)
    val groups = LinkedHashMap<Key, MutableList<IndexedValue<SmsPart>>>()
    for (p in parts.withIndex()) {
        groups.getOrPut(Key(p.value.sender, p.value.reference)) { mutableListOf() }.add(p)
    }
    return groups.map { (key, members) ->
        val ordered = members.sortedWith(
            compareBy<IndexedValue<SmsPart>> { it.value.index ?: Int.MAX_VALUE }.thenBy { it.index },
        )
        Sms(
            // The first part's display address, else the originating one.
            sender = ordered.firstNotNullOfOrNull { it.value.shownAs?.takeIf(String::isNotBlank) } ?: key.sender,
            body = ordered.joinToString("") { it.value.body },
            receivedAtMs = members.minOf { it.value.timestampMs }.takeIf { it > 0 },
        )
    }
}

/** How far from the phone's clock a service-centre timestamp may be and still be believed. */
private const val PAST_MS = 30L * 24 * 3600 * 1000
private const val FUTURE_MS = 24L * 3600 * 1000

/**
 * The time to record a part as received: its service-centre timestamp, which a redelivered
 * broadcast repeats exactly (so the gate can tell it is a duplicate), unless that timestamp is
 * implausible: more than a day ahead of [nowMs], or more than 30 days behind it (a phone off for
 * weeks is rarer than a misconfigured or fake base station). The quarantine sorts and purges by
 * this time, and a message dated in 2000 would be purged before anyone could review it.
 */
fun plausibleTime(timestampMs: Long, nowMs: Long): Long =
    if (timestampMs in (nowMs - PAST_MS)..(nowMs + FUTURE_MS)) timestampMs else nowMs
