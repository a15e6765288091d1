// The application: the one shared SmishGate, the two threads gate calls run on (the screens',
// and intake for SMS and notification buttons), the person's settings and the notification
// channels. Everything else of the shell reaches the gate through here.
package app.smishgate.app

import android.app.Application
import android.app.NotificationChannel
import android.app.NotificationManager
import android.content.Context
import android.os.Handler
import android.os.Looper
import android.telephony.TelephonyManager
import android.util.Log
import app.smishgate.core.Classifier
import app.smishgate.core.SmishGate
import app.smishgate.core.SmishGateException
import app.smishgate.core.Sms
import app.smishgate.core.Verdict
import app.smishgate.core.initLogging
import app.smishgate.gateway.Channel
import app.smishgate.gateway.CompanionWindow
import app.smishgate.gateway.Intake
import app.smishgate.gateway.Lang
import app.smishgate.gateway.Quarantine
import app.smishgate.gateway.Registry
import java.io.File
import java.util.Locale
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/** The process's one gate and the two threads that talk to it. */
open class SmishApp : Application() {
    /**
     * The screens' gate calls run here, off the main thread: sled writes and flushes before a
     * call returns, which is disk I/O no main thread should wait for. One thread keeps the
     * order of what the person does (release, then list) without locks of the shell's own.
     */
    val work: ExecutorService = worker("smishgate-work")

    /**
     * Received SMS and notification buttons run here instead: a broadcast has about ten
     * seconds, and must not wait behind an import or a purge the person started. The gate
     * locks inside, so the two threads share it safely.
     */
    val intake: ExecutorService = worker("smishgate-intake")

    /** A daemon: nothing of it must keep a process alive (every write is flushed already). */
    private fun worker(name: String): ExecutorService =
        Executors.newSingleThreadExecutor { r -> Thread(r, name).apply { isDaemon = true } }

    private val main = Handler(Looper.getMainLooper())

    /** The settings the person chose. */
    val prefs: Prefs by lazy { Prefs(this) }

    @Volatile private var opened: SmishGate? = null

    /**
     * The gate, opened on first use from `noBackupFilesDir` (never backed up, never restored
     * onto another phone). Call it from [work] or [intake] only: opening reads the database.
     */
    val gate: SmishGate
        get() = opened ?: synchronized(this) { opened ?: open().also { opened = it } }

    /** Where the database lives (a test subclass points it at a broken disk). */
    protected open fun databasePath(): String = File(noBackupFilesDir, "smishgate.db").path

    /**
     * Open the gate in the region chosen the first time. The core reads national numbers for
     * the regions it knows; elsewhere it is opened as Japan's, its default, rather than not at
     * all. The choice is kept, so that a new SIM or a trip abroad does not change how the
     * numbers already stored are read.
     */
    private fun open(): SmishGate {
        val path = databasePath()
        val wanted = prefs.region ?: detectRegion()
        val (gate, region) = try {
            SmishGate(path, wanted) to wanted
        } catch (e: SmishGateException.InvalidInput) {
            if (wanted == DEFAULT_REGION) throw e
            Log.w(TAG, "region not supported by the gate; numbers are read as in $DEFAULT_REGION")
            SmishGate(path, DEFAULT_REGION) to DEFAULT_REGION
        }
        if (prefs.region == null) prefs.region = region
        return gate
    }

    /** The language of the phone, Japanese or English. */
    fun lang(): Lang = Lang.of(resources.configuration.locales[0].toLanguageTag())

    val quarantine: Quarantine by lazy { Quarantine(gate, ::lang) }
    val registry: Registry by lazy { Registry(gate, ::lang) }

    @Volatile private var builtIn: Classifier? = null

    /**
     * The classifier with the built-in registry and no database, for when the gate will not
     * open: a message is then still judged (and a lure still announced), only not kept.
     */
    val classifier: Classifier
        get() = builtIn ?: synchronized(this) {
            builtIn ?: try {
                Classifier(prefs.region ?: detectRegion())
            } catch (e: SmishGateException.InvalidInput) {
                Classifier(DEFAULT_REGION)
            }.also { builtIn = it }
        }

    /**
     * The companion's matching window, shared by the SMS receiver (which tells it each verdict)
     * and the notification listener (which asks it about the SMS app's alerts). A text no SMS
     * brought is judged here, storing nothing: by the gate, or the built-in classifier when the
     * gate will not open.
     */
    val companion: CompanionWindow by lazy { CompanionWindow(::judgeShown, graceMs = companionGraceMs) }

    /** How long the companion waits for an SMS before it judges an alert on what it shows (a test shortens it). */
    protected open val companionGraceMs: Long = CompanionWindow.GRACE_MS

    private fun judgeShown(sender: String, text: String): Verdict? = try {
        val sms = Sms(sender, text, null)
        try {
            gate.classify(sms)
        } catch (e: SmishGateException) {
            classifier.classify(sms)
        }
    } catch (e: Throwable) {
        Log.e(TAG, "a shown text was not judged: ${e.javaClass.simpleName}")
        null
    }

    /** What the receiver runs for each broadcast. */
    fun intake(): Intake = Intake({ gate }, { classifier }, companion)

    override fun onCreate() {
        super.onCreate()
        createChannels()
        // JNA and the native library load here, off the main thread (loading them takes tens of
        // milliseconds, and a start that is also an SMS's broadcast has ten seconds in all).
        // Then open the gate (and warm the classifier) before the first SMS needs it, and
        // delete held messages past the retention the person chose.
        work.execute {
            try {
                initLogging("info")
            } catch (e: SmishGateException) {
                Log.w(TAG, "logging not installed: ${e.javaClass.simpleName}")
            } catch (e: Throwable) {
                // The native library did not load (an ABI the APK lacks): the screens say so
                // through every request instead of the app dying at start.
                Log.e(TAG, "native library not loaded: ${e.javaClass.simpleName}")
            }
            try {
                quarantine.purge(prefs.settings())
            } catch (e: Throwable) {
                Log.w(TAG, "gate not opened at start: ${e.javaClass.simpleName}")
            }
            health.check()
        }
    }

    /** Protection health: read from Android, announced when it changes, shown in the banner. */
    val health: HealthWatch by lazy { HealthWatch(this) }

    /**
     * Run [request] on the worker thread and hand its result to [then] on the main thread. A
     * gate that cannot open, or anything else that fails, arrives through [failed]: a screen
     * says so, the process does not die.
     */
    fun <T> run(request: () -> T, failed: (Throwable) -> Unit = {}, then: (T) -> Unit) {
        work.execute {
            val result = try {
                Result.success(request())
            } catch (e: Throwable) {
                // Any failure, an Error included, reaches the screen as a sentence: a worker that
                // died would leave every later request unanswered.
                if (e !is SmishGateException) Log.e(TAG, "request failed: ${e.javaClass.simpleName}")
                Result.failure(e)
            }
            main.post { result.fold(then, failed) }
        }
    }

    /** One channel per action, named in the phone's language. */
    private fun createChannels() {
        val nm = getSystemService(NotificationManager::class.java)
        val t = lang().text
        for (c in Channel.entries) {
            val importance = when (c) {
                Channel.HELD, Channel.CODE, Channel.MESSAGE -> NotificationManager.IMPORTANCE_HIGH
                Channel.WARNING, Channel.HEALTH -> NotificationManager.IMPORTANCE_DEFAULT
            }
            val channel = NotificationChannel(c.id, t.channelName(c), importance).apply {
                description = t.channelDescription(c)
                // Whatever the channel, the lock screen shows only the public version.
                lockscreenVisibility = android.app.Notification.VISIBILITY_PRIVATE
            }
            nm.createNotificationChannel(channel)
        }
    }

    /**
     * How numbers without a country code are read: the SIM's country, else the phone's region,
     * else Japan (the gate's default).
     */
    internal fun detectRegion(): String {
        val sim = (getSystemService(Context.TELEPHONY_SERVICE) as? TelephonyManager)?.simCountryIso.orEmpty()
        val r = sim.ifEmpty { Locale.getDefault().country }.uppercase(Locale.ROOT)
        return if (r.length == 2) r else DEFAULT_REGION
    }

    /**
     * Emulated processes (Robolectric) end here; a phone never calls it, and needs nothing:
     * every write is flushed before the call that made it returns.
     */
    override fun onTerminate() {
        for (w in listOf(intake, work)) {
            w.shutdown()
            w.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)
        }
        opened?.close()
        opened = null
        builtIn?.close()
        builtIn = null
        super.onTerminate()
    }

    companion object {
        /** The log tag; no line carries a body, a code or a number. */
        const val TAG = "smishgate"

        /** The gate's own default region. */
        const val DEFAULT_REGION = "JP"
    }
}
