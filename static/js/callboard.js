// Page-side behaviour that htmx attributes cannot express under a strict CSP.
import "./share-link.js";

const THEME_KEY = "callboard-theme";

function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
}

function toggleTheme() {
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  const current = document.documentElement.dataset.theme || (dark ? "dark" : "light");
  const next = current === "dark" ? "light" : "dark";
  localStorage.setItem(THEME_KEY, next);
  applyTheme(next);
}

function wireThemeToggle() {
  for (const button of document.querySelectorAll("[data-theme-toggle]")) {
    button.addEventListener("click", toggleTheme);
  }
}

function showCurrentSection() {
  const current = document.querySelector(".production-nav [aria-current]");
  const nav = current && current.parentElement;
  if (nav && nav.scrollWidth > nav.clientWidth) {
    const link = current.getBoundingClientRect();
    nav.scrollLeft += link.left - nav.getBoundingClientRect().left - (nav.clientWidth - link.width) / 2;
  }
}

applyTheme(localStorage.getItem(THEME_KEY));
wireThemeToggle();
showCurrentSection();
