/* Slug proposals in Latin letters, as the server will save them.
 *
 * The admin proposes a slug while the editor types a name or title (Django's URLify). Left
 * alone it keeps Cyrillic (the slug fields allow Unicode) and knows no Kazakh letters, while
 * the server writes slugs in Latin letters (articles/text.py: slugify_text): the editor saw
 * one address and got another. This wraps URLify with the server's own table (kept equal to
 * _CYRILLIC by tests/test_robustness.py), falling back as the server does for other scripts.
 */
(function () {
  "use strict";
  // articles/text.py _CYRILLIC: Russian and Kazakh Cyrillic to Latin.
  var CYRILLIC = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i", "ў": "o", "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u"};

  function latin(text) {
    return Array.from(text)
      .map(function (letter) {
        var lower = letter.toLowerCase();
        if (!Object.prototype.hasOwnProperty.call(CYRILLIC, lower)) return letter;
        var out = CYRILLIC[lower];
        return letter === lower ? out : out.charAt(0).toUpperCase() + out.slice(1);
      })
      .join("");
  }

  function wrap() {
    var urlify = window.URLify;
    if (!urlify || urlify.kazcmsLatin) return;
    window.URLify = function (text, maxLength, allowUnicode) {
      return urlify(latin(text), maxLength, false) || urlify(text, maxLength, allowUnicode);
    };
    window.URLify.kazcmsLatin = true;
  }

  // The admin's media may list this file before urlify.js: wrap once everything has loaded
  // (URLify is only called when the editor types, long after).
  wrap();
  document.addEventListener("DOMContentLoaded", wrap);
})();
