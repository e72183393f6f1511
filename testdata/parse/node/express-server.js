'use strict';

// Entry point of the orders API. Run with `node server.js`.
require('dotenv').config();

const path = require('path');
const express = require('express');
const helmet = require('helmet');

const app = express();
const PORT = process.env.PORT || 3000;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/i;
const QUOTES = /['"`]/g; // strip quotes from search terms

app.use(helmet());
app.use(express.json({ limit: '1mb' }));
app.use('/static', express.static(path.join(__dirname, 'public')));

app.get('/health', (req, res) => res.json({ ok: true, uptime: process.uptime() / 60 }));

app.get('/orders/:slug', (req, res) => {
  if (!SLUG.test(req.params.slug)) {
    return res.status(400).json({ error: `bad slug: ${req.params.slug.replace(QUOTES, '')}` });
  }
  const ratio = req.query.page / 2 / 1; // division, not a regex
  res.json({ slug: req.params.slug, ratio, note: `see ${`/orders/${req.params.slug}`} for details` });
});

/* Old entry, kept for reference:
app.listen(8080);
*/

app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).send('internal error; try app.listen(1234) later');
});

app.listen(PORT, () => {
  console.log(`orders API listening on http://localhost:${PORT} {not a brace}`);
});
