// The Quarantine screen: held messages, newest first, a page at a time; and one message with
// its links, reasons and the review actions.
package app.smishgate.app

import app.smishgate.R
import android.Manifest
import android.app.AlertDialog
import android.app.NotificationManager
import android.view.View
import android.widget.LinearLayout
import app.smishgate.core.QuarantinedMessage
import app.smishgate.core.Status
import app.smishgate.gateway.Outcome
import app.smishgate.gateway.ServiceNames
import app.smishgate.gateway.text
import java.text.DateFormat
import java.util.Date

/** Held messages, newest first; More loads the next page. */
class QuarantineScreen(private val a: MainActivity) : Screen {
    private lateinit var list: LinearLayout
    private lateinit var more: View

    override fun view(): View = a.page {
        heading(a.getString(R.string.quarantine_title))
        if (Manifest.permission.RECEIVE_SMS in a.missingPermissions()) {
            // Without it nothing arrives, and an empty list would look like a quiet inbox.
            label(a.getString(R.string.no_sms_permission), id = R.id.quarantine_no_permission)
            button(a.getString(R.string.first_run_permissions), R.id.first_run_permissions) { a.askPermissions() }
        }
        label(a.getString(R.string.quarantine_hint), 13f)
        list = LinearLayout(a).apply {
            id = R.id.quarantine_list
            orientation = LinearLayout.VERTICAL
        }.also(::addView)
        more = button(a.getString(R.string.more), R.id.quarantine_more) { load(cursor) }.apply { visibility = View.GONE }
        load(null)
    }

    private var cursor: String? = null

    private fun load(after: String?) {
        // One page at a time: a second tap on More before the first answers would add it twice.
        more.isEnabled = false
        a.request({ a.app.quarantine.page(after) }) { page ->
            a.request({ a.app.registry.services() }) { services ->
                val names = ServiceNames.of(services)
                if (after == null) list.removeAllViews()
                if (after == null && page.items.isEmpty()) list.label(a.getString(R.string.quarantine_empty), id = R.id.quarantine_empty)
                for (m in page.items) row(m, names)
                cursor = page.nextCursor
                more.visibility = if (cursor != null) View.VISIBLE else View.GONE
                more.isEnabled = true
            }
        }
    }

    private fun row(m: QuarantinedMessage, names: ServiceNames) {
        val t = a.app.lang().text
        val when_ = m.receivedAtMs?.let { DateFormat.getDateTimeInstance(DateFormat.SHORT, DateFormat.SHORT).format(Date(it)) }.orEmpty()
        val line = listOfNotNull(statusLabel(a, m.status), names.of(m.verdict.service), t.kind(m.verdict.kind)).joinToString(" · ")
        list.label("$line\n${m.sender}  $when_\n${m.body.take(80)}").apply {
            tag = "msg:${m.id}"
            setTextIsSelectable(false)
            setOnClickListener { a.show(MessageScreen(a, m.id)) }
        }
    }
}

internal fun statusLabel(a: MainActivity, s: Status): String = a.getString(
    when (s) {
        Status.QUARANTINED -> R.string.status_quarantined
        Status.RELEASED -> R.string.status_released
        Status.CONFIRMED -> R.string.status_confirmed
    },
)

/** One held message: what it said, where it links, why it was held; release, confirm, delete. */
class MessageScreen(private val a: MainActivity, private val id: String) : Screen {
    private lateinit var root: LinearLayout

    override fun view(): View = a.page {
        root = this
        load()
    }

    private fun load() {
        a.request({ a.app.quarantine.get(id) }) { m ->
            root.removeAllViews()
            if (m == null) {
                root.label(a.getString(R.string.message_gone), id = R.id.quarantine_empty)
                root.button(a.getString(R.string.back), R.id.action_back) { a.show(QuarantineScreen(a)) }
            } else {
                a.request({ a.app.registry.services() }) { services -> fill(m, ServiceNames.of(services)) }
            }
        }
    }

    private fun fill(m: QuarantinedMessage, names: ServiceNames) = with(root) {
        val lang = a.app.lang()
        val t = lang.text
        heading(listOfNotNull(names.of(m.verdict.service), t.kind(m.verdict.kind)).joinToString(" · "))
        label(statusLabel(a, m.status), id = R.id.message_status)
        label(a.getString(R.string.message_from, m.sender)).setTextIsSelectable(false)
        // The lure's own text and hosts are not selectable: a long-press would offer the
        // system's "Open" on its URL, one tap from the attacker's site.
        label(m.body, id = R.id.message_body).setTextIsSelectable(false)
        if (m.verdict.links.isNotEmpty()) {
            label(a.getString(R.string.message_links), 13f)
            label(
                m.verdict.links.joinToString("\n") { l ->
                    val whose = when {
                        l.official -> a.getString(R.string.link_official, names.of(l.officialFor) ?: l.domain)
                        l.imitates != null -> a.getString(R.string.link_imitates, names.of(l.imitates) ?: "")
                        else -> a.getString(R.string.link_unknown)
                    }
                    "${l.host} — $whose"
                },
                id = R.id.message_links,
            ).setTextIsSelectable(false)
        }
        label(a.getString(R.string.message_reasons), 13f)
        label(m.verdict.reasons.joinToString("\n") { "• " + it.text(lang) }, id = R.id.message_reasons).setTextIsSelectable(false)

        if (m.status != Status.RELEASED) {
            button(a.getString(R.string.action_release), R.id.action_release) { act { a.app.quarantine.release(m) } }
        }
        if (m.status == Status.QUARANTINED && m.verdict.service != null) {
            // Trusting the sender means every later message from it is taken as the service's
            // own, and this one was judged an attack: the gate requires `force`, the screen
            // asks first.
            button(a.getString(R.string.action_release_trust), R.id.action_release_trust) {
                AlertDialog.Builder(a)
                    .setMessage(a.getString(R.string.confirm_trust, names.of(m.verdict.service), m.sender))
                    .setPositiveButton(R.string.action_release_trust) { _, _ ->
                        act { a.app.quarantine.release(m, trustSender = true, force = true) }
                    }
                    .setNegativeButton(R.string.cancel, null)
                    .show()
            }
        }
        if (m.status != Status.CONFIRMED) {
            button(a.getString(R.string.action_confirm), R.id.action_confirm) { act { a.app.quarantine.confirm(m.id) } }
            button(a.getString(R.string.action_confirm_block), R.id.action_confirm_block) {
                act { a.app.quarantine.confirm(m.id, blockSender = true) }
            }
        }
        // Only for a message the person released as genuine: registering the sender of a held
        // one would make the attacker's next message "trusted", past the force of Release and
        // trust.
        if (m.status == Status.RELEASED) {
            button(a.getString(R.string.action_add_sender), R.id.action_add_sender) { addSender(m) }
        }
        button(a.getString(R.string.action_delete), R.id.action_delete) {
            AlertDialog.Builder(a)
                .setMessage(R.string.confirm_delete)
                .setPositiveButton(R.string.action_delete) { _, _ ->
                    a.request({ a.app.quarantine.delete(m.id) }) {
                        reviewed(m.id)
                        a.show(QuarantineScreen(a))
                    }
                }
                .setNegativeButton(R.string.cancel, null)
                .show()
        }
        button(a.getString(R.string.back), R.id.action_back) { a.show(QuarantineScreen(a)) }
    }

    /** A review action, then the message again with its new status. */
    private fun act(call: () -> Outcome<QuarantinedMessage>) {
        a.request(call) {
            reviewed(id)
            load()
        }
    }

    /** Decided in the app: its notification, if still shown, has nothing left to offer. */
    private fun reviewed(id: String) {
        a.getSystemService(NotificationManager::class.java).cancel(Notifier.idOf(id))
    }

    /** Register the message's sender for a service the person picks (for a message that was genuine). */
    private fun addSender(m: QuarantinedMessage) {
        a.request({ a.app.registry.services() }) { services ->
            AlertDialog.Builder(a)
                .setTitle(a.getString(R.string.pick_service, m.sender))
                .setItems(services.map { it.name }.toTypedArray()) { _, which ->
                    a.request({ a.app.registry.addSender(services[which].id, m.sender) }) {
                        a.say(a.getString(R.string.sender_added, m.sender, services[which].name))
                    }
                }
                .setNegativeButton(R.string.cancel, null)
                .show()
        }
    }
}
