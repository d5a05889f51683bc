// The main menu is a <details>: closed on a phone, always shown on a wide screen. Browsers
// that cannot show a closed <details>'s content through CSS get it opened here instead.
(function () {
  var menu = document.querySelector("[data-nav-menu]");
  if (!menu) return;
  var wide = window.matchMedia("(min-width: 48rem)");
  var supported = CSS.supports && CSS.supports("selector(::details-content)");
  function fit() {
    if (wide.matches && !supported) menu.open = true;
  }
  fit();
  wide.addEventListener("change", fit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
