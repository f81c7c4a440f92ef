"""Building blocks the pages share: inputs, results, downloads, saved scenarios, share links, text."""
