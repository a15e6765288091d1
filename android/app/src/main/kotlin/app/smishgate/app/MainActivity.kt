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
import android.view.View
import android.view.WindowInsets
import android.widget.FrameLayout
import android.widget.Toast
import app.smishgate.core.SmishGateException
import app.smishgate.gateway.Gap
import app.smishgate.gateway.Outcome
import app.smishgate.gateway.level
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
        // Message bodies are on these screens: no picture of them in Recents.
        if (Build.VERSION.SDK_INT >= 33) setRecentsScreenshotEnabled(false)
        // Android 15 draws every app edge to edge: keep the screens clear of the navigation
        // bar and the keyboard (the action bar takes care of the top).
        if (Build.VERSION.SDK_INT >= 35) {
            findViewById<View>(R.id.root).setOnApplyWindowInsetsListener { v, insets ->
                val i = insets.getInsets(WindowInsets.Type.systemBars() or WindowInsets.Type.ime() or WindowInsets.Type.displayCutout())
                v.setPadding(i.left, 0, i.right, i.bottom)
                insets
            }
        }
        findViewById<View>(R.id.tab_quarantine).setOnClickListener { show(QuarantineScreen(this)) }
        findViewById<View>(R.id.tab_services).setOnClickListener { show(ServicesScreen(this)) }
        findViewById<View>(R.id.tab_settings).setOnClickListener { show(SettingsScreen(this)) }
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

    /**
     * The held message a notification names, else the Quarantine list. Only the unexported
     * [REVIEW] alias is believed: the launcher is exported, and any app may start it with
     * extras (some of which cannot even be read: a malformed parcel throws).
     */
    private fun openFrom(intent: Intent?) {
        val id = try {
            intent?.takeIf { it.component?.className == REVIEW }?.getStringExtra(EXTRA_MESSAGE)
        } catch (e: RuntimeException) {
            null
        }
        show(if (id != null) MessageScreen(this, id) else QuarantineScreen(this))
    }

    /** The screen Back returns to from [s], or null when Back leaves the app. */
    private fun parentOf(s: Screen?): Screen? = when (s) {
        is MessageScreen -> QuarantineScreen(this)
        is ServiceFormScreen -> ServicesScreen(this)
        else -> null
    }

    /**
     * Predictive back's callback, registered only while Back has a screen to return to (so that
     * from a list the system's own back, with its animation, leaves the app).
     */
    internal val backCallback: android.window.OnBackInvokedCallback? =
        if (Build.VERSION.SDK_INT >= 33) android.window.OnBackInvokedCallback { parentOf(screen)?.let(::show) } else null

    /** Whether [backCallback] is registered now (tests read it). */
    internal var backRegistered = false
        private set

    private fun updateBack() {
        val back = backCallback
        if (Build.VERSION.SDK_INT < 33 || back == null) return
        val wanted = parentOf(screen) != null
        if (wanted == backRegistered) return
        if (wanted) {
            onBackInvokedDispatcher.registerOnBackInvokedCallback(android.window.OnBackInvokedDispatcher.PRIORITY_DEFAULT, back)
        } else {
            onBackInvokedDispatcher.unregisterOnBackInvokedCallback(back)
        }
        backRegistered = wanted
    }

    /** Back from a message or a form goes to its list, not out of the app (before API 33). */
    @Deprecated("Activity's own API; OnBackInvokedCallback replaces it from API 33")
    override fun onBackPressed() {
        val parent = parentOf(screen)
        if (parent != null) show(parent) else @Suppress("DEPRECATION") super.onBackPressed()
    }

    /** Show [s] in place of the current screen. */
    fun show(s: Screen) {
        screen = s
        content.removeAllViews()
        content.addView(s.view())
        updateBack()
    }

    override fun onResume() {
        super.onResume()
        refreshHealth()
    }

    /**
     * The health banner: read the conditions off the main thread, then show the worst gap with
     * its fix, or nothing when protection is full.
     */
    fun refreshHealth() {
        app.run({ app.health.check() }) { gaps ->
            if (!alive()) return@run
            val banner = findViewById<View>(R.id.health_banner)
            val first = gaps.firstOrNull()
            if (first == null) {
                banner.visibility = View.GONE
                return@run
            }
            val t = app.lang().text
            findViewById<android.widget.TextView>(R.id.health_text).text =
                t.healthTitle(level(gaps)) + "\n" + gaps.joinToString("\n") { t.gap(it) }
            findViewById<android.widget.Button>(R.id.health_fix).apply {
                text = t.fix(first.fix)
                setOnClickListener { fix(first) }
            }
            banner.visibility = View.VISIBLE
        }
    }

    /** Open what closes [gap]. */
    fun fix(gap: Gap) {
        val i = app.health.intent(gap)
        if (i == null) {
            askPermissions()
            return
        }
        try {
            startActivity(i)
        } catch (e: android.content.ActivityNotFoundException) {
            // A phone without that settings page (some makers remove them): the app's own page.
            try {
                startActivity(Intent(android.provider.Settings.ACTION_APPLICATION_DETAILS_SETTINGS, android.net.Uri.fromParts("package", packageName, null)))
            } catch (e2: android.content.ActivityNotFoundException) {
                say(app.lang().text.gap(gap))
            }
        }
    }

    /** The first-run screen was read: the app proper. */
    fun introduced() {
        app.prefs.introduced = true
        show(QuarantineScreen(this))
    }

    /** The permissions the app needs and does not have: RECEIVE_SMS, and POST_NOTIFICATIONS from API 33. */
    fun missingPermissions(): List<String> = buildList {
        add(Manifest.permission.RECEIVE_SMS)
        if (Build.VERSION.SDK_INT >= 33) add(Manifest.permission.POST_NOTIFICATIONS)
    }.filter { checkSelfPermission(it) != PackageManager.PERMISSION_GRANTED }

    /**
     * Ask for the missing permissions. Once refused for good, Android no longer shows the
     * dialog: the app's page in Settings is then the way to grant them.
     */
    fun askPermissions() {
        val wanted = missingPermissions()
        if (wanted.isEmpty()) return
        if (app.prefs.askedPermissions && wanted.none(::shouldShowRequestPermissionRationale)) {
            val settings = Intent(android.provider.Settings.ACTION_APPLICATION_DETAILS_SETTINGS)
                .setData(android.net.Uri.fromParts("package", packageName, null))
            try {
                startActivity(settings)
                return
            } catch (e: android.content.ActivityNotFoundException) {
                // Ask again below; at worst nothing shows.
            }
        }
        app.prefs.askedPermissions = true
        requestPermissions(wanted.toTypedArray(), REQUEST_PERMISSIONS)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        // The Quarantine screen says whether SMS can be read: show it again with the answer.
        if (requestCode == REQUEST_PERMISSIONS && screen is QuarantineScreen) show(QuarantineScreen(this))
        if (requestCode == REQUEST_PERMISSIONS) refreshHealth()
    }

    /** Whether a result may still be shown (not after the activity went away). */
    private fun alive() = !isFinishing && !isDestroyed

    /** Run a gate request off the main thread; a refusal is shown in a toast. */
    fun <T> request(call: () -> Outcome<T>, then: (T) -> Unit) {
        app.run(call, failed = { if (alive()) problem(it) }) { o ->
            if (!alive()) return@run
            when (o) {
                is Outcome.Done -> then(o.value)
                is Outcome.Refused -> say(o.message)
            }
        }
    }

    /** A request failed outright: the gate could not open, or something unforeseen. */
    fun problem(e: Throwable) {
        val t = app.lang().text
        say(if (e is SmishGateException) t.problem(Problem.of(e)) else t.unexpected)
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
        /** The held message to open (its quarantine id), honoured through [REVIEW] only. */
        const val EXTRA_MESSAGE = "app.smishgate.extra.MESSAGE"

        /** The unexported alias of this activity that notifications open. */
        const val REVIEW = "app.smishgate.app.Review"
        const val REQUEST_PERMISSIONS = 1
        const val REQUEST_IMPORT = 2
        const val REQUEST_EXPORT = 3
    }
}
