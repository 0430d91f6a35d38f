/* The helpline lookup's search: shows the cards whose words hold every word searched for. */
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("search-settings").textContent);
  var ignore = {};
  settings.ignore.forEach(function (word) { ignore[word] = true; });

  // "phones" finds "phone", "lines" finds "line", "radical" finds "radicalisation".
  function stem(word) {
    if (word.length > 4 && /ies$/.test(word)) return word.slice(0, -3) + "y";
    if (word.length > 3 && /(ss|us|is)$/.test(word)) return word;
    if (word.length > 3 && /s$/.test(word)) return word.slice(0, -1);
    return word;
  }

  function words(text) {
    return (text.toLowerCase().match(/[a-z0-9]+/g) || []).map(stem);
  }

  var cards = Array.prototype.map.call(document.querySelectorAll(".card"), function (card) {
    return { element: card, words: words(card.getAttribute("data-terms") + " " + card.textContent) };
  });
  var sections = document.querySelectorAll("section.cards");
  var input = document.getElementById("search");
  var count = document.getElementById("result-count");
  var none = document.getElementById("no-results");

  function matches(card, query) {
    return query.every(function (q) {
      return card.words.some(function (w) { return w.indexOf(q) === 0; });
    });
  }

  function search() {
    var query = words(input.value).filter(function (w) { return !ignore[w]; });
    var shown = 0;
    cards.forEach(function (card) {
      var show = query.length === 0 || matches(card, query);
      card.element.hidden = !show;
      if (show) shown += 1;
    });
    Array.prototype.forEach.call(sections, function (section) {
      section.hidden = !section.querySelector(".card:not([hidden])");
    });
    none.hidden = shown > 0;
    var counted = shown === 1 ? settings.result_one : settings.results.replace("{count}", String(shown));
    count.textContent = query.length ? counted : "";
  }

  input.addEventListener("input", search);
  document.querySelector("form.search").addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });
  if (input.value) search();
})();
