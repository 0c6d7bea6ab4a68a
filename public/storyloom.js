// Storyloom: the message box keeps at most BOX_MAX_CHARS characters (chatapp/view.py has the same number).
// Drawing a pasted megabyte as a chat message freezes the page long enough for the connection to drop, so the
// reply saying the message is too long would never arrive; the server refuses anything over 4,000 characters.
(() => {
  const BOX_MAX_CHARS = 40000;
  const cap = () => {
    const box = document.getElementById("chat-input");
    if (box && box.maxLength !== BOX_MAX_CHARS) box.maxLength = BOX_MAX_CHARS;
  };
  new MutationObserver(cap).observe(document.documentElement, { childList: true, subtree: true });
  cap();
})();
