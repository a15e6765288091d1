// The Services screen: the registry of who may text the person and how, edited through the
// gateway's checked form; the registry file imported and exported through the Storage Access
// Framework (the person picks the file; the app needs no storage permission).
package app.smishgate.app

import app.smishgate.R
import android.app.AlertDialog
import android.content.ActivityNotFoundException
import android.content.Intent
import android.net.Uri
import android.view.View
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.TextView
import app.smishgate.core.LinkPolicy
import app.smishgate.core.Service
import app.smishgate.gateway.Field
import app.smishgate.gateway.Outcome
import app.smishgate.gateway.ServiceDraft

/** Every service, with Add, Import, Export and Reset. */
class ServicesScreen(private val a: MainActivity) : Screen {
    private lateinit var list: LinearLayout
    private lateinit var status: TextView

    override fun view(): View = a.page {
        heading(a.getString(R.string.services_title))
        label(a.getString(R.string.services_hint), 13f)
        button(a.getString(R.string.service_add), R.id.service_add) { a.show(ServiceFormScreen(a, null)) }
        button(a.getString(R.string.service_import), R.id.service_import) {
            // Any type: providers label .json files as text or octet-stream as often as JSON.
            pick(
                Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("*/*")
                    .putExtra(Intent.EXTRA_MIME_TYPES, arrayOf("application/json", "text/plain", "application/octet-stream")),
                MainActivity.REQUEST_IMPORT,
            )
        }
        button(a.getString(R.string.service_export), R.id.service_export) {
            pick(
                Intent(Intent.ACTION_CREATE_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("application/json")
                    .putExtra(Intent.EXTRA_TITLE, "smishgate-registry.json"),
                MainActivity.REQUEST_EXPORT,
            )
        }
        button(a.getString(R.string.service_reset), R.id.service_reset) {
            AlertDialog.Builder(a)
                .setMessage(R.string.confirm_reset)
                .setPositiveButton(R.string.service_reset) { _, _ -> a.request({ a.app.registry.reset() }) { load() } }
                .setNegativeButton(R.string.cancel, null)
                .show()
        }
        status = label("", 13f, R.id.screen_status)
        list = LinearLayout(a).apply {
            id = R.id.services_list
            orientation = LinearLayout.VERTICAL
        }.also(::addView)
        load()
    }

    private fun load() {
        a.request({ a.app.registry.services() }) { services ->
            list.removeAllViews()
            for (s in services) {
                val policy = a.getString(if (s.links == LinkPolicy.NEVER) R.string.links_never else R.string.links_official)
                list.label("${s.name} (${s.id})\n$policy · ${s.domains.joinToString(", ")}").apply {
                    tag = "svc:${s.id}"
                    setTextIsSelectable(false)
                    setOnClickListener { a.show(ServiceFormScreen(a, s)) }
                }
            }
        }
    }

    /** The system's file picker; a phone without one (DocumentsUI disabled) gets a sentence. */
    private fun pick(intent: Intent, request: Int) {
        try {
            @Suppress("DEPRECATION")
            a.startActivityForResult(intent, request)
        } catch (e: ActivityNotFoundException) {
            status.text = a.getString(R.string.no_file_picker)
        }
    }

    /**
     * Read the registry file the person picked, on the worker thread (the file may be a cloud
     * provider's, read over the network), and show what it would change. A file that changes a
     * built-in service (its domains, senders, link policy) or the blocked list is imported only
     * once the person confirms, after reading each change; any other is imported at once, and
     * its changes are listed. A bad file changes nothing and says why; a file of more than
     * [MAX_FILE] bytes is not read at all.
     */
    fun importFrom(uri: Uri) {
        status.text = a.getString(R.string.import_checking)
        a.app.run({ read(uri)?.let { json -> json to a.app.registry.review(json) } }, failed = a::problem) { read ->
            if (read == null) {
                status.text = a.getString(R.string.file_unreadable, MAX_FILE / 1024)
                return@run
            }
            val (json, review) = read
            when (review) {
                is Outcome.Refused -> status.text = review.message
                is Outcome.Done -> {
                    val lines = review.value.text(a.app.lang()).joinToString("\n") { "• $it" }
                    if (review.value.needsConfirmation) {
                        AlertDialog.Builder(a)
                            .setTitle(a.app.lang().text.importConfirmTitle)
                            .setMessage(lines)
                            .setPositiveButton(a.app.lang().text.importConfirm) { _, _ -> import(json, lines) }
                            .setNegativeButton(R.string.cancel) { _, _ -> status.text = "" }
                            .show()
                    } else {
                        import(json, lines)
                    }
                }
            }
        }
    }

    private fun import(json: String, lines: String) {
        a.app.run({ a.app.registry.import(json) }, failed = a::problem) { o ->
            status.text = when (o) {
                is Outcome.Done -> a.getString(R.string.imported) + "\n" + lines
                is Outcome.Refused -> o.message
            }
            load()
        }
    }

    /** The file's text, or null when it cannot be read or is too large. */
    private fun read(uri: Uri): String? = try {
        a.contentResolver.openInputStream(uri)?.use { s ->
            val buf = ByteArray(MAX_FILE + 1)
            var n = 0
            while (n < buf.size) {
                val r = s.read(buf, n, buf.size - n)
                if (r < 0) break
                n += r
            }
            if (n > MAX_FILE) null else String(buf, 0, n, Charsets.UTF_8)
        }
    } catch (e: Exception) {
        // IOException, SecurityException (a revoked grant), anything a provider throws.
        null
    }

    /**
     * Write the registry (services and blocked senders, never a message) to the file the
     * person made, on the worker thread like the import.
     */
    fun exportTo(uri: Uri) {
        a.app.run({
            when (val json = a.app.registry.export()) {
                is Outcome.Done -> a.getString(if (write(uri, json.value)) R.string.exported else R.string.file_unwritable)
                is Outcome.Refused -> json.message
            }
        }, failed = a::problem) { said -> status.text = said }
    }

    /** Whether [text] was written to the file. */
    private fun write(uri: Uri, text: String): Boolean = try {
        // "wt": truncate. "w" alone leaves the end of a longer file there before (some providers
        // do not truncate), and a registry file with a stale tail no longer parses.
        a.contentResolver.openOutputStream(uri, "wt")?.use { it.write(text.toByteArray(Charsets.UTF_8)) } != null
    } catch (e: Exception) {
        false
    }

    private companion object {
        /** Registry files are a few kilobytes; the default registry's own export is under 100 KB. */
        const val MAX_FILE = 1 shl 20
    }
}

/** Add or edit one service; every field problem is shown on its field and nothing is saved. */
class ServiceFormScreen(private val a: MainActivity, private val editing: Service?) : Screen {
    private val fields = mutableMapOf<Field, EditText>()
    private lateinit var policy: RadioGroup
    private lateinit var error: TextView

    override fun view(): View = a.page {
        val d = editing?.let(ServiceDraft::of) ?: ServiceDraft("", "")
        heading(a.getString(if (editing == null) R.string.service_new else R.string.service_edit))
        fields[Field.ID] = field(a.getString(R.string.form_id), R.id.form_id, d.id).apply { isEnabled = editing == null }
        fields[Field.NAME] = field(a.getString(R.string.form_name), R.id.form_name, d.name)
        fields[Field.ALIASES] = field(a.getString(R.string.form_aliases), R.id.form_aliases, d.aliases, lines = 2)
        fields[Field.SENDERS] = field(a.getString(R.string.form_senders), R.id.form_senders, d.senders, lines = 2)
        fields[Field.DOMAINS] = field(a.getString(R.string.form_domains), R.id.form_domains, d.domains, lines = 2)
        label(a.getString(R.string.form_links), 13f)
        policy = RadioGroup(a).apply {
            addView(RadioButton(a).apply { id = R.id.form_links_never; text = a.getString(R.string.links_never) })
            addView(RadioButton(a).apply { id = R.id.form_links_official; text = a.getString(R.string.links_official) })
            check(if (d.links == LinkPolicy.NEVER) R.id.form_links_never else R.id.form_links_official)
        }.also(::addView)
        error = label("", 13f, R.id.form_error)
        button(a.getString(R.string.save), R.id.form_save) { save() }
        if (editing != null) {
            button(a.getString(R.string.service_remove), R.id.form_remove) {
                AlertDialog.Builder(a)
                    .setMessage(a.getString(R.string.confirm_remove, editing.name))
                    .setPositiveButton(R.string.service_remove) { _, _ ->
                        a.request({ a.app.registry.remove(editing.id) }) { a.show(ServicesScreen(a)) }
                    }
                    .setNegativeButton(R.string.cancel, null)
                    .show()
            }
        }
        button(a.getString(R.string.cancel), R.id.action_back) { a.show(ServicesScreen(a)) }
    }

    /** The draft as typed. */
    fun draft() = ServiceDraft(
        id = fields.getValue(Field.ID).text.toString(),
        name = fields.getValue(Field.NAME).text.toString(),
        aliases = fields.getValue(Field.ALIASES).text.toString(),
        senders = fields.getValue(Field.SENDERS).text.toString(),
        domains = fields.getValue(Field.DOMAINS).text.toString(),
        links = if (policy.checkedRadioButtonId == R.id.form_links_official) LinkPolicy.OFFICIAL else LinkPolicy.NEVER,
    )

    private fun save() {
        fields.values.forEach { it.error = null }
        val draft = draft()
        a.app.run({ a.app.registry.save(draft) }, failed = a::problem) { (saved, errors) ->
            if (saved != null) {
                a.show(ServicesScreen(a))
                return@run
            }
            // Each problem under its field; the first also in the line above Save.
            for (e in errors) fields.getValue(e.field).error = e.message
            error.text = errors.joinToString("\n") { it.message }
        }
    }
}
