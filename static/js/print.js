// A button marked data-print prints the page (the A6 slip): a file, not an onclick="…",
// because the Content-Security-Policy runs no inline script.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
