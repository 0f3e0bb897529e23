// The snippet the README gives to sites that want auto-resizing iframe embeds: set each
// confcal iframe's height from the message its page posts.
addEventListener('message', function (e) {
  if (!e.data || e.data.type !== 'confcal:resize') return
  for (const f of document.querySelectorAll('iframe')) {
    if (f.contentWindow === e.source) f.height = String(e.data.height)
  }
})
