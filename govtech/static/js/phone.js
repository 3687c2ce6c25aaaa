// Phone layout helpers, progressive enhancement (the pages work without them):
// - a stacked table's cell without a column name gets its header's text as data-label (without
//   this script such a table stays a table that scrolls sideways, see phone.css);
// - a browser without ::details-content opens the folded list filters on wide screens, where
//   phone.css hides their summary.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && heads[index]) {
          cell.setAttribute("data-label", heads[index]);
        }
      });
    });
  });
  var supported = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  if (!supported && window.matchMedia("(min-width: 768px)").matches) {
    document.querySelectorAll("details.filters-more").forEach(function (details) {
      details.open = true;
    });
  }
});
