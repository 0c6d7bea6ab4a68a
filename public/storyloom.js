// Storyloom's page-side helpers.
(() => {
  // The message box keeps at most BOX_MAX_CHARS characters (chatapp/view.py has the same number). Drawing a pasted
  // megabyte as a chat message freezes the page long enough for the connection to drop, so the reply saying the
  // message is too long would never arrive; the server refuses anything over 4,000 characters.
  const BOX_MAX_CHARS = 40000;
  const cap = () => {
    const box = document.getElementById("chat-input");
    if (box && box.maxLength !== BOX_MAX_CHARS) box.maxLength = BOX_MAX_CHARS;
  };
  new MutationObserver(cap).observe(document.documentElement, { childList: true, subtree: true });
  cap();

  // The page's width, for the server (chatapp/storyview.py): on a phone the side panel covers the chat, so the
  // story view opens there only when asked. The chat's socket carries the cookie when it connects.
  const tellWidth = () => {
    document.cookie = `storyloom_width=${Math.round(window.innerWidth)}; path=/; SameSite=Strict`;
  };
  tellWidth();
  window.addEventListener("resize", tellWidth);
})();
