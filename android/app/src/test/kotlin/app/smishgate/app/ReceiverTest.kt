// SMS_RECEIVED broadcasts made of real 3GPP PDUs, through the manifest's receiver, the real
// bindings and the host library: what is held, what is announced, and the notification
// buttons.
package app.smishgate.app

import android.app.Notification
import android.app.NotificationManager
import android.content.ClipboardManager
import android.telephony.TelephonyManager
import app.smishgate.core.Action
import app.smishgate.core.LinkPolicy
import app.smishgate.core.Service
import app.smishgate.core.Sms
import app.smishgate.core.Status
import app.smishgate.gateway.Channel
import app.smishgate.gateway.CatalogEn
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

private const val BROADCAST_SMS = "android.permission.BROADCAST_SMS"

@RunWith(RobolectricTestRunner::class)
class ReceiverTest : ShellTest() {
    private val nm get() = app.getSystemService(NotificationManager::class.java)

    private fun notifications(): List<Notification> = shadowOf(nm).allNotifications

    /** SMS_RECEIVED as the system sends it: from a sender that holds BROADCAST_SMS. */
    private fun deliver(pdus: List<ByteArray>) {
        shadowOf(app).grantPermissions(BROADCAST_SMS)
        app.sendBroadcast(Pdus.intent(pdus))
        settle()
    }

    private fun held() = app.gate.quarantineList(null, 100u).items

    @Test
    fun aMultipartJapaneseLureInUcs2IsJoinedHeldAndAnnounced() {
        val pdus = Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true)
        assertEquals("the lure must span two parts", 2, pdus.size)
        deliver(pdus)

        val items = held()
        assertEquals(1, items.size)
        val m = items.single()
        assertEquals("the parts joined in order", Texts.JA_BANK_LURE, m.body)
        assertEquals("+818012345678", m.sender)
        assertEquals(SENT.toInstant().toEpochMilli(), m.receivedAtMs)
        assertEquals(Status.QUARANTINED, m.status)
        assertTrue(m.verdict.links.any { it.host == "smbc-account-verify.com" })

        val n = notifications().single()
        assertEquals(Channel.HELD.id, n.channelId)
        assertEquals(Notification.VISIBILITY_PRIVATE, n.visibility)
        val public: Notification = n.publicVersion ?: error("no public version")
        assertEquals(CatalogEn.heldPublic, public.extras.getCharSequence(Notification.EXTRA_TITLE).toString())
        assertTrue("the lock screen shows no buttons", public.actions.isNullOrEmpty())
        val shown = listOf(Notification.EXTRA_TITLE, Notification.EXTRA_TEXT, Notification.EXTRA_BIG_TEXT)
            .joinToString("\n") { public.extras.getCharSequence(it)?.toString().orEmpty() }
        assertFalse("no body on the lock screen", shown.contains("smbc-account-verify") || shown.contains("口座"))
        val title = n.extras.getCharSequence(Notification.EXTRA_TITLE).toString()
        assertTrue(title, title.startsWith("Smishing"))
        val text = n.extras.getCharSequence(Notification.EXTRA_BIG_TEXT).toString()
        assertTrue("it says the message is still in the SMS app", text.endsWith(CatalogEn.stillInSmsApp))
        // No default SMS app on this emulated phone: no Open in SMS app.
        assertEquals(listOf(CatalogEn.release), n.actions.map { it.title.toString() })
    }

    @Test
    fun theButtonsThatActWithoutTheAppAskForTheUnlock() {
        deliver(Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true))
        val release = notifications().single().actions.single { it.title.toString() == CatalogEn.release }
        assertTrue(release.isAuthenticationRequired)

    }

    @Test
    fun anOldReleaseButtonDoesNotReleaseAMessageConfirmedSince() {
        deliver(Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true))
        val n = notifications().single()
        val id = held().single().id
        app.gate.confirm(id, false)
        n.actions.single { it.title.toString() == CatalogEn.release }.actionIntent.send()
        settle()
        assertEquals(Status.CONFIRMED, held().single().status)
        assertTrue("the stale notification goes", notifications().isEmpty())
    }

    @Test
    fun releaseFromTheNotificationReleasesTheMessageAndRemovesTheNotification() {
        deliver(Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true))
        val n = notifications().single()
        n.actions.single { it.title.toString() == CatalogEn.release }.actionIntent.send()
        settle()
        assertEquals(Status.RELEASED, held().single().status)
        assertTrue("the notification is gone", notifications().isEmpty())
    }

    @Test
    fun reviewFromTheNotificationOpensThatMessage() {
        deliver(Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true))
        val n = notifications().single()
        n.contentIntent.send()
        shadowOf(android.os.Looper.getMainLooper()).idle()
        val started = shadowOf(app).nextStartedActivity ?: error("no activity started")
        assertEquals("through the unexported alias", MainActivity.REVIEW, started.component?.className)
        assertEquals(held().single().id, started.getStringExtra(MainActivity.EXTRA_MESSAGE))
    }

    @Test
    fun aSevenBitEnglishLureIsHeld() {
        deliver(Pdus.message("+12025550143", Texts.EN_DELIVERY_LURE, SENT, ucs2 = false))
        val m = held().single()
        assertEquals(Texts.EN_DELIVERY_LURE, m.body)
        assertEquals("+12025550143", m.sender)
        assertEquals(Channel.HELD.id, notifications().single().channelId)
    }

    @Test
    fun twoLongMessagesFromOneSenderInOneBroadcastStayApart() {
        val a = Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true, reference = 7)
        val second = Texts.JA_BANK_LURE.replace("三井住友銀行", "みずほ銀行")
        val b = Pdus.message("+818012345678", second, SENT.plusSeconds(2), ucs2 = true, reference = 8)
        // Interleaved and out of order: b2, a1, b1, a2.
        deliver(listOf(b[1], a[0], b[0], a[1]))
        assertEquals(setOf(Texts.JA_BANK_LURE, second), held().map { it.body }.toSet())
    }

    @Test
    fun anSmsDoesNotWaitBehindWhatTheScreensAreDoing() {
        val busy = CountDownLatch(1)
        app.work.execute { busy.await(30, TimeUnit.SECONDS) } // a long import, say
        try {
            shadowOf(app).grantPermissions(BROADCAST_SMS)
            app.sendBroadcast(Pdus.intent(Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true)))
            shadowOf(android.os.Looper.getMainLooper()).idle()
            app.intake.submit {}.get(30, TimeUnit.SECONDS)
            assertEquals("judged and held while the screens' thread is busy", 1, held().size)
        } finally {
            busy.countDown()
        }
    }

    @Test
    fun anOrdinaryMessageIsNeitherKeptNorAnnounced() {
        deliver(Pdus.message("+818012345678", Texts.EN_PLAIN, SENT, ucs2 = false))
        assertTrue(held().isEmpty())
        assertTrue(notifications().isEmpty())
    }

    @Test
    fun aRegisteredServicesCodeOffersCopyCodeAndHidesTheCodeWhenLocked() {
        app.gate.upsertService(
            Service("mybroker", "My Broker", emptyList(), listOf("MYBROKER"), listOf("mybroker.example.co.jp"), LinkPolicy.NEVER),
        )
        val text = "My Broker: your login code is 482913. Never share it."
        deliver(Pdus.message("MYBROKER", text, SENT, ucs2 = false))
        assertTrue("a trusted code is not held", held().isEmpty())
        val n = notifications().single()
        assertEquals(Channel.CODE.id, n.channelId)
        assertEquals(Notification.VISIBILITY_PRIVATE, n.visibility)
        val public = n.publicVersion.extras.getCharSequence(Notification.EXTRA_TITLE).toString()
        assertFalse(public.contains("482913"))
        val copy = n.actions.single { it.title.toString() == CatalogEn.copyCode }
        assertTrue(copy.isAuthenticationRequired)
        copy.actionIntent.send()
        settle()
        val clip = app.getSystemService(ClipboardManager::class.java).primaryClip!!
        assertEquals("482913", clip.getItemAt(0).text.toString())
        assertTrue(clip.description.extras.getBoolean("android.content.extra.IS_SENSITIVE"))
        assertTrue(notifications().isEmpty())
    }

    @Test
    fun aRedeliveredBroadcastIsAnnouncedOnce() {
        val pdus = Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true)
        deliver(pdus)
        nm.cancelAll()
        deliver(pdus)
        assertEquals(1, held().size)
        assertTrue(notifications().isEmpty())
    }

    @Test
    fun warningsNotifyOnlyWhenThePersonWantsThem() {
        val text = "Hi mum, I dropped my phone, this is my new number. Message me on WhatsApp please"
        val verdict = app.gate.classify(Sms("+447700900123", text, null))
        assertEquals(Action.WARN, verdict.action)
        deliver(Pdus.message("+447700900123", text, SENT, ucs2 = false))
        assertEquals(Channel.WARNING.id, notifications().single().channelId)
        // A second warning does not replace the first.
        deliver(Pdus.message("+447700900125", text, SENT, ucs2 = false))
        assertEquals(2, notifications().size)
        nm.cancelAll()
        app.prefs.save(app.prefs.settings().copy(notifyWarnings = false))
        deliver(Pdus.message("+447700900124", text, SENT, ucs2 = false))
        assertTrue(notifications().isEmpty())
    }

    @Test
    fun theChannelsExistOnePerActionAndPrivateOnTheLockScreen() {
        val channels = nm.notificationChannels.associateBy { it.id }
        for (c in Channel.entries) {
            val ch = channels[c.id] ?: error("no channel ${c.id}")
            assertEquals(Notification.VISIBILITY_PRIVATE, ch.lockscreenVisibility)
            assertEquals(CatalogEn.channelName(c), ch.name.toString())
        }
    }
}

/** An application whose database is under a regular file: the gate can never open. */
class BrokenDiskApp : SmishApp() {
    override fun databasePath(): String {
        val file = File(filesDir, "not-a-directory").apply { writeText("x") }
        return File(file, "smishgate.db").path
    }
}

/** An application on a phone whose SIM is from a country the gate has no numbering for. */
class ThaiSimApp : SmishApp() {
    override fun onCreate() {
        shadowOf(getSystemService(TelephonyManager::class.java)).setSimCountryIso("th")
        super.onCreate()
    }
}

/** An application on a phone with a US SIM. */
class UsSimApp : SmishApp() {
    override fun onCreate() {
        shadowOf(getSystemService(TelephonyManager::class.java)).setSimCountryIso("us")
        super.onCreate()
    }
}

@RunWith(RobolectricTestRunner::class)
class GateFailureTest : ShellTest() {
    @Test
    @Config(application = BrokenDiskApp::class)
    fun whenTheDatabaseWillNotOpenALureIsStillJudgedAndAnnouncedAsNotKept() {
        shadowOf(app).grantPermissions(BROADCAST_SMS)
        app.sendBroadcast(Pdus.intent(Pdus.message("+818012345678", Texts.JA_BANK_LURE, SENT, ucs2 = true)))
        settle()
        val nm = shadowOf(app.getSystemService(NotificationManager::class.java))
        val n = nm.allNotifications.single()
        assertEquals("judged by the built-in classifier", Channel.HELD.id, n.channelId)
        val text = n.extras.getCharSequence(Notification.EXTRA_BIG_TEXT).toString()
        assertTrue(text, text.endsWith(CatalogEn.notKept))
        assertTrue("nothing to release: no copy", n.actions.isNullOrEmpty())
        // An ordinary message is judged too, and delivered in silence.
        nm.allNotifications.forEach { app.getSystemService(NotificationManager::class.java).cancelAll() }
        app.sendBroadcast(Pdus.intent(Pdus.message("+818012345678", Texts.EN_PLAIN, SENT, ucs2 = false)))
        settle()
        assertTrue(nm.allNotifications.isEmpty())
    }

    @Test
    @Config(application = ThaiSimApp::class)
    fun aSimFromARegionTheGateDoesNotKnowOpensItAsJapans() {
        assertEquals(Action.QUARANTINE, app.gate.classify(Sms("+818012345678", Texts.JA_BANK_LURE, null)).action)
        assertEquals("JP", app.prefs.region)
    }

    @Test
    @Config(application = UsSimApp::class)
    fun theSimsRegionIsUsedAndKept() {
        app.gate.services()
        assertEquals("US", app.prefs.region)
    }
}
