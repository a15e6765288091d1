// Small builders for the framework widgets the screens are made of (no AndroidX, no Compose:
// the shell carries no runtime dependency beyond JNA).
package app.smishgate.app

import android.content.Context
import android.text.InputType
import android.util.TypedValue
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView

/** A screen of the app: its view, built when it is shown. */
interface Screen {
    fun view(): View
}

internal fun Context.dp(v: Int) = (v * resources.displayMetrics.density).toInt()

/** A vertical column inside a scroll view, padded. */
internal fun Context.page(build: LinearLayout.() -> Unit): ScrollView = ScrollView(this).apply {
    addView(column().apply(build))
}

internal fun Context.column() = LinearLayout(this).apply {
    orientation = LinearLayout.VERTICAL
    setPadding(dp(16), dp(8), dp(16), dp(16))
}

internal fun LinearLayout.heading(text: CharSequence) = label(text, 20f)

internal fun LinearLayout.label(text: CharSequence, sp: Float = 15f, id: Int = View.NO_ID): TextView =
    TextView(context).apply {
        this.text = text
        this.id = id
        setTextSize(TypedValue.COMPLEX_UNIT_SP, sp)
        setPadding(0, context.dp(6), 0, context.dp(6))
        setTextIsSelectable(sp < 20f)
    }.also(::addView)

internal fun LinearLayout.button(text: CharSequence, id: Int = View.NO_ID, onClick: () -> Unit): Button =
    Button(context).apply {
        this.text = text
        this.id = id
        setOnClickListener { onClick() }
    }.also(::addView)

/** A labelled text field; [lines] > 1 for a field of one item per line. */
internal fun LinearLayout.field(hint: CharSequence, id: Int, value: String = "", lines: Int = 1, number: Boolean = false): EditText {
    label(hint, 13f)
    return EditText(context).apply {
        this.id = id
        setText(value)
        inputType = when {
            number -> InputType.TYPE_CLASS_NUMBER
            lines > 1 -> InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE or InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS
            else -> InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS
        }
        minLines = lines
    }.also(::addView)
}
