// The one activity: a first-run screen, then three screens behind tabs (Quarantine, Services,
// Settings). It only shows and asks: every decision is the gateway module's, every gate call
// runs on the app's worker thread.
package app.smishgate.app

import app.smishgate.R
import android.Manifest
import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.os.Bundle
import android.widget.FrameLayout
import android.widget.Toast
import app.smishgate.core.SmishGateException
import app.smishgate.gateway.Outcome
import app.smishgate.gateway.Problem

/** The app's screens. Opened with [EXTRA_MESSAGE], it shows that held message. */
class MainActivity : Activity() {
    val app: SmishApp get() = application as SmishApp

    private lateinit var content: FrameLayout

    /** The screen on show (tests read it). */
    var screen: Screen? = null
        private set

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        content = findViewById(R.id.content)
        findViewById<android.view.View>(R.id.tab_quarantine).setOnClickListener { show(QuarantineScreen(this)) }
        findViewById<android.view.View>(R.id.tab_services).setOnClickListener { show(ServicesScreen(this)) }
        findViewById<android.view.View>(R.id.tab_settings).setOnClickListener { show(SettingsScreen(this)) }
        when {
            !app.prefs.introduced -> show(FirstRunScreen(this))
            else -> openFrom(intent)
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        setIntent(intent)
        if (app.prefs.introduced) openFrom(intent)
    }

    /** The held message a notification names, else the Quarantine list. */
    private fun openFrom(intent: Intent?) {
        val id = intent?.getStringExtra(EXTRA_MESSAGE)
        show(if (id != null) MessageScreen(this, id) else QuarantineScreen(this))
    }

    /** Show [s] in place of the current screen. */
    fun show(s: Screen) {
        screen = s
        content.removeAllViews()
        content.addView(s.view())
    }

    /** The first-run screen was read: the app proper. */
    fun introduced() {
        app.prefs.introduced = true
        show(QuarantineScreen(this))
    }

    /** RECEIVE_SMS, and POST_NOTIFICATIONS from API 33 (before, notifications need no grant). */
    fun askPermissions() {
        val wanted = buildList {
            add(Manifest.permission.RECEIVE_SMS)
            if (Build.VERSION.SDK_INT >= 33) add(Manifest.permission.POST_NOTIFICATIONS)
        }.filter { checkSelfPermission(it) != PackageManager.PERMISSION_GRANTED }
        if (wanted.isNotEmpty()) requestPermissions(wanted.toTypedArray(), REQUEST_PERMISSIONS)
    }

    /** Run a gate request off the main thread; a refusal is shown in a toast. */
    fun <T> request(call: () -> Outcome<T>, then: (T) -> Unit) {
        app.run(call, failed = ::problem) { o ->
            when (o) {
                is Outcome.Done -> then(o.value)
                is Outcome.Refused -> say(o.message)
            }
        }
    }

    /** The gate itself could not open. */
    fun problem(e: SmishGateException) {
        say(app.lang().text.problem(Problem.of(e)))
    }

    fun say(text: String) {
        Toast.makeText(this, text, Toast.LENGTH_LONG).show()
    }

    /** Results of the Storage Access Framework's pickers, for the Services screen. */
    @Deprecated("Activity's own API; the framework has no other without AndroidX")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        val uri = data?.data
        if (resultCode != RESULT_OK || uri == null) return
        val services = screen as? ServicesScreen ?: ServicesScreen(this).also(::show)
        when (requestCode) {
            REQUEST_IMPORT -> services.importFrom(uri)
            REQUEST_EXPORT -> services.exportTo(uri)
        }
    }

    companion object {
        /** The held message to open (its quarantine id). */
        const val EXTRA_MESSAGE = "app.smishgate.extra.MESSAGE"
        const val REQUEST_PERMISSIONS = 1
        const val REQUEST_IMPORT = 2
        const val REQUEST_EXPORT = 3
    }
}
