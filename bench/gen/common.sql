-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- bench/gen/common.sql -- the start of every session of bench/gen/generate.sh: session
-- settings and the temporary tables every part reads (companies, accounts, invoices,
-- journal entries). Temporary tables are per session, so each part builds its own copy;
-- they are functions of @gen_seed and @gen_n only, hence the same in every session.
-- generate.sh replaces the {PLACEHOLDERS} and sets:
--   @gen_seed  the seed (every value is a function of it and of the row's number)
--   @gen_n     the number of companies
-- Placeholders: {SI} invoices, {JE} journal entries, {PE} payment entries (each <= {SI}),
-- {S1}/{J1} the invoices/journal entries of company 1 (its first ones; 0: every document's
-- company drawn from the seed, else the others' drawn among companies 2..N),
-- {CPC} customers per company, {ITEMS} items, {CUST_CO_COL}/{CUST_CO_VAL} the
-- Customer.company custom field of the site-customizations overlay (empty without it),
-- {TWIN} 1 when tabCompany.name's collation tells case apart (then a company whose name
-- differs from another's only in case is added), else 0.
--
-- Every generated row has owner 'gen@example.com'. Company-owned rows carry their
-- company; child rows their parent (parent, parenttype, parentfield); Dynamic Links
-- (GL Entry / Stock Ledger Entry voucher_type + voucher_no, against_voucher_type +
-- against_voucher, party_type + party, Payment Entry Reference reference_doctype +
-- reference_name) name a generated document of the same company.

SET SESSION unique_checks = 0, foreign_key_checks = 0, sql_log_bin = 0;
SET SESSION max_heap_table_size = 1024 * 1024 * 1024, tmp_table_size = 1024 * 1024 * 1024;
SET NAMES utf8mb4;

CREATE TEMPORARY TABLE gen_stat (t VARCHAR(64) PRIMARY KEY, n BIGINT NOT NULL, us BIGINT NOT NULL)
  ENGINE=MEMORY;
SET @gen_t = SYSDATE(6);

-- ---------------------------------------------------------------- companies
-- The first eight names are hostile to anything that pastes names into SQL, shell or
-- SymmetricDS's text: quotes, a backtick, "$(", CJK, trailing spaces, exactly 140
-- characters (non-ASCII, 1-2 bytes each), backslash and LIKE wildcards, comma and
-- semicolon. Abbreviations (frappe_sds's company key) are distinct without regard to
-- case, 1-10 characters, never starting with '~'.
CREATE TEMPORARY TABLE gen_co (
  idx INT PRIMARY KEY, name VARCHAR(140) NOT NULL, abbr VARCHAR(140) NOT NULL,
  currency VARCHAR(3) NOT NULL, country VARCHAR(40) NOT NULL
) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO gen_co VALUES
  (1, 'Quote\'n "Double" Trading', 'Q\'D', 'USD', 'United States'),
  (2, 'Back`tick` & Co.', 'B`T', 'EUR', 'Germany'),
  (3, 'Dollar $(date) Ventures', 'D$', 'USD', 'United States'),
  (4, '東京貿易株式会社', '東京', 'JPY', 'Japan'),
  (5, 'Trailing Spaces Ltd   ', 'TSL', 'GBP', 'United Kingdom'),
  (6, LEFT(REPEAT('Ünïcödé Lõng Nämé Höldïngs ', 6), 140), 'ÜLN', 'EUR', 'Austria'),
  (7, 'Back\\slash 100% _Under_ Co', 'B\\S%', 'INR', 'India'),
  (8, 'Smith, Jones; Comma & Semi* Ltd', 'SJC', 'AUD', 'Australia');
INSERT INTO gen_co
  SELECT seq, CONCAT('Gen Company ', LPAD(seq, 3, '0')), CONCAT('G', LPAD(seq, 3, '0')),
         ELT(1 + seq MOD 4, 'USD', 'EUR', 'INR', 'CHF'),
         ELT(1 + seq MOD 4, 'United States', 'France', 'India', 'Switzerland')
  FROM seq_9_to_1000 WHERE seq <= @gen_n;
-- the case twin replaces the last company, so that the count stays @gen_n
UPDATE gen_co SET name = 'QUOTE\'N "DOUBLE" TRADING', abbr = 'QDT2'
  WHERE {TWIN} = 1 AND idx = @gen_n AND @gen_n > 8;
DELETE FROM gen_co WHERE idx > @gen_n;

-- the 11 accounts of every company (as in the sample data)
CREATE TEMPORARY TABLE gen_acct (
  k INT PRIMARY KEY, account_name VARCHAR(60) NOT NULL, is_group INT NOT NULL,
  root_type VARCHAR(20) NOT NULL, report_type VARCHAR(20) NOT NULL, parent_k INT NULL,
  account_type VARCHAR(30) NOT NULL
) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4;
INSERT INTO gen_acct VALUES
  (1, 'Application of Funds (Assets)', 1, 'Asset', 'Balance Sheet', NULL, ''),
  (2, 'Debtors', 0, 'Asset', 'Balance Sheet', 1, 'Receivable'),
  (3, 'Cash', 0, 'Asset', 'Balance Sheet', 1, 'Cash'),
  (4, 'Stock In Hand', 0, 'Asset', 'Balance Sheet', 1, 'Stock'),
  (5, 'Income', 1, 'Income', 'Profit and Loss', NULL, ''),
  (6, 'Sales', 0, 'Income', 'Profit and Loss', 5, 'Income Account'),
  (7, 'Expenses', 1, 'Expense', 'Profit and Loss', NULL, ''),
  (8, 'Cost of Goods Sold', 0, 'Expense', 'Profit and Loss', 7, 'Cost of Goods Sold'),
  (9, 'Round Off', 0, 'Expense', 'Profit and Loss', 7, 'Round Off'),
  (10, 'Source of Funds (Liabilities)', 1, 'Liability', 'Balance Sheet', NULL, ''),
  (11, 'VAT', 0, 'Liability', 'Balance Sheet', 10, 'Tax');

-- ---------------------------------------------------------------- sales invoices
-- Invoice i: company, customer of that company, k = 1..5 items (item j: qty j, one rate
-- per invoice), net = rate * k(k+1)/2, VAT 19 %.
CREATE TEMPORARY TABLE gen_si (
  i INT PRIMARY KEY, c INT NOT NULL, cust INT NOT NULL, k INT NOT NULL, rate INT NOT NULL,
  item0 INT NOT NULL, pdate DATE NOT NULL, ts DATETIME(6) NOT NULL, docstatus INT NOT NULL
) ENGINE=MEMORY;
INSERT INTO gen_si
  SELECT seq, c, (CRC32(CONCAT(@gen_seed, ':sicust:', seq)) MOD {CPC}) * @gen_n + c,
         1 + CRC32(CONCAT(@gen_seed, ':sik:', seq)) MOD 5,
         10 + CRC32(CONCAT(@gen_seed, ':sirate:', seq)) MOD 90,
         CRC32(CONCAT(@gen_seed, ':siitem:', seq)) MOD {ITEMS},
         DATE'2022-01-01' + INTERVAL (seq * 730 DIV {SI}) DAY,
         TIMESTAMP'2022-01-01 09:00:00' + INTERVAL (seq * 730 DIV {SI}) DAY + INTERVAL (seq MOD 28800) SECOND,
         IF(seq MOD 2 = 1 AND CRC32(CONCAT(@gen_seed, ':sids:', seq)) MOD 5 = 0, 0, 1)
  FROM (SELECT seq, IF({S1} = 0, 1 + CRC32(CONCAT(@gen_seed, ':sico:', seq)) MOD @gen_n,
                     IF(seq <= {S1}, 1, 2 + CRC32(CONCAT(@gen_seed, ':sico:', seq)) MOD (@gen_n - 1))) AS c
        FROM seq_1_to_{SI}) x;

-- ---------------------------------------------------------------- journal, payments
-- journal entry e: company, amount; payment entry p pays invoice 2p (same company; even
-- invoices are submitted and paid, a fifth of the odd ones are drafts)
CREATE TEMPORARY TABLE gen_je (
  e INT PRIMARY KEY, c INT NOT NULL, amt INT NOT NULL, pdate DATE NOT NULL, ts DATETIME(6) NOT NULL
) ENGINE=MEMORY;
INSERT INTO gen_je
  SELECT seq, IF({J1} = 0, 1 + CRC32(CONCAT(@gen_seed, ':jeco:', seq)) MOD @gen_n,
                 IF(seq <= {J1}, 1, 2 + CRC32(CONCAT(@gen_seed, ':jeco:', seq)) MOD (@gen_n - 1))),
         100 + CRC32(CONCAT(@gen_seed, ':jeamt:', seq)) MOD 9900,
         DATE'2022-01-01' + INTERVAL (seq * 730 DIV {JE}) DAY,
         TIMESTAMP'2022-01-01 17:00:00' + INTERVAL (seq * 730 DIV {JE}) DAY + INTERVAL (seq MOD 3600) SECOND
  FROM seq_1_to_{JE};

