// What every shell test shares: the app Robolectric created from the manifest, and a way to
// let the worker thread and the main looper finish what a tap or a broadcast started.
package app.smishgate.app

import android.os.Looper
import org.junit.After
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import java.time.ZoneOffset
import java.time.ZonedDateTime
import java.util.concurrent.TimeUnit

val app: SmishApp get() = RuntimeEnvironment.getApplication() as SmishApp

/**
 * Every shell test's base: Robolectric makes a new application (and data directories) for each
 * test but never ends the old one, so the gate it opened is released here, as a process end
 * releases it on a phone.
 */
abstract class ShellTest {
    @After
    fun releaseTheGate() {
        app.onTerminate()
    }
}

/** Run the worker threads and the main looper until none has anything left to do. */
fun settle() {
    repeat(4) {
        app.intake.submit {}.get(30, TimeUnit.SECONDS)
        app.work.submit {}.get(30, TimeUnit.SECONDS)
        shadowOf(Looper.getMainLooper()).idle()
    }
}

/**
 * When the test messages were sent: an hour ago, in Japan, to the second (a service-centre
 * timestamp has no finer grain, and one far from the phone's clock is not believed).
 */
val SENT: ZonedDateTime = ZonedDateTime.now(ZoneOffset.ofHours(9)).withNano(0).minusHours(1)

/** Lures and codes the receiver and the screens are tested with (realistic, written for these tests). */
object Texts {
    /** A bank impersonation, long enough for two UCS-2 parts, its link across the part boundary. */
    const val JA_BANK_LURE =
        "【三井住友銀行】お客様の口座に第三者からの不正なアクセスを検知しました。お取引を一時的に制限しております。" +
            "解除手続き https://smbc-account-verify.com/login"

    /** A delivery lure in GSM 7-bit. */
    const val EN_DELIVERY_LURE =
        "USPS: Your package could not be delivered due to an incomplete address. Confirm it within 24h: https://usps-redelivery-care.top/track"

    /** An ordinary message from a friend. */
    const val EN_PLAIN = "Running 10 minutes late, see you at the station"
}
