// Which language a person reads: the phone's locale, Japanese or English.
package app.smishgate.gateway

import app.smishgate.core.Reason

/** The two languages every text of the app exists in. */
enum class Lang {
    EN,
    JA,
    ;

    /** The texts of this language. */
    val text: Catalog
        get() = when (this) {
            EN -> CatalogEn
            JA -> CatalogJa
        }

    companion object {
        /** From a BCP 47 tag (`Locale.toLanguageTag()`): Japanese for `ja…`, else English. */
        fun of(tag: String): Lang = if (tag.lowercase().startsWith("ja")) JA else EN
    }
}

/** A reason's sentence in [lang] (the core gives both). */
fun Reason.text(lang: Lang): String = when (lang) {
    Lang.EN -> en
    Lang.JA -> ja
}
