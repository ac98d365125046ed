-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- bench/gen/ledger.sql -- after common.sql: Journal Entries (+ accounts), Payment Entries
-- (+ references), GL Entries of invoices, journal and payment entries (in parallel with
-- sales.sql: no table in common).

SET @gen_t = SYSDATE(6);
INSERT INTO `tabJournal Entry` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `title`, `voucher_type`, `naming_series`, `company`, `posting_date`, `user_remark`,
    `total_debit`, `total_credit`)
  SELECT CONCAT('GEN-JV-', LPAD(je.e, 8, '0')), je.ts, je.ts, 'Administrator', 'gen@example.com', 1,
         0, CONCAT('Cash sale ', je.e), 'Journal Entry', 'GEN-JV-', co.name, je.pdate, 'generated',
         je.amt, je.amt
  FROM gen_je je JOIN gen_co co ON co.idx = je.c;
INSERT INTO gen_stat VALUES ('tabJournal Entry', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabJournal Entry Account` (`name`, `creation`, `modified`, `modified_by`, `owner`,
    `docstatus`, `parent`, `parentfield`, `parenttype`, `idx`, `account`, `cost_center`,
    `account_currency`, `exchange_rate`, `debit_in_account_currency`, `debit`,
    `credit_in_account_currency`, `credit`)
  SELECT CONCAT('GEN-JEA-', LPAD(je.e, 8, '0'), '-', j.seq), je.ts, je.ts, 'Administrator',
         'gen@example.com', 1, CONCAT('GEN-JV-', LPAD(je.e, 8, '0')), 'accounts', 'Journal Entry',
         j.seq, CONCAT(IF(j.seq = 1, 'Cash', 'Sales'), ' - ', co.abbr), CONCAT('Main - ', co.abbr),
         co.currency, 1, IF(j.seq = 1, je.amt, 0), IF(j.seq = 1, je.amt, 0),
         IF(j.seq = 2, je.amt, 0), IF(j.seq = 2, je.amt, 0)
  FROM gen_je je JOIN gen_co co ON co.idx = je.c JOIN seq_1_to_2 j;
INSERT INTO gen_stat VALUES ('tabJournal Entry Account', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabPayment Entry` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `naming_series`, `payment_type`, `posting_date`, `company`, `mode_of_payment`,
    `party_type`, `party`, `party_name`, `paid_from`, `paid_from_account_type`,
    `paid_from_account_currency`, `paid_to`, `paid_to_account_type`, `paid_to_account_currency`,
    `paid_amount`, `source_exchange_rate`, `base_paid_amount`, `received_amount`,
    `target_exchange_rate`, `base_received_amount`, `total_allocated_amount`,
    `base_total_allocated_amount`, `reference_no`, `reference_date`, `status`, `title`)
  SELECT CONCAT('GEN-PE-', LPAD(p.seq, 8, '0')), si.ts + INTERVAL 1 DAY, si.ts + INTERVAL 1 DAY,
         'Administrator', 'gen@example.com', 1, 0, 'GEN-PE-', 'Receive', si.pdate + INTERVAL 1 DAY,
         co.name, 'Cash', 'Customer', CONCAT('GEN-CUST-', LPAD(si.cust, 7, '0')),
         CONCAT('GEN-CUST-', LPAD(si.cust, 7, '0')), CONCAT('Debtors - ', co.abbr), 'Receivable',
         co.currency, CONCAT('Cash - ', co.abbr), 'Cash', co.currency,
         si.rate * si.k * (si.k + 1) / 2 * 1.19, 1, si.rate * si.k * (si.k + 1) / 2 * 1.19,
         si.rate * si.k * (si.k + 1) / 2 * 1.19, 1, si.rate * si.k * (si.k + 1) / 2 * 1.19,
         si.rate * si.k * (si.k + 1) / 2 * 1.19, si.rate * si.k * (si.k + 1) / 2 * 1.19,
         CONCAT('R', p.seq), si.pdate + INTERVAL 1 DAY, 'Submitted',
         CONCAT('GEN-CUST-', LPAD(si.cust, 7, '0'))
  FROM seq_1_to_{PE} p JOIN gen_si si ON si.i = 2 * p.seq JOIN gen_co co ON co.idx = si.c;
INSERT INTO gen_stat VALUES ('tabPayment Entry', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabPayment Entry Reference` (`name`, `creation`, `modified`, `modified_by`, `owner`,
    `docstatus`, `parent`, `parentfield`, `parenttype`, `idx`, `reference_doctype`,
    `reference_name`, `due_date`, `total_amount`, `outstanding_amount`, `allocated_amount`,
    `exchange_rate`)
  SELECT CONCAT('GEN-PER-', LPAD(p.seq, 8, '0')), si.ts + INTERVAL 1 DAY, si.ts + INTERVAL 1 DAY,
         'Administrator', 'gen@example.com', 1, CONCAT('GEN-PE-', LPAD(p.seq, 8, '0')),
         'references', 'Payment Entry', 1, 'Sales Invoice', CONCAT('GEN-SINV-', LPAD(si.i, 8, '0')),
         si.pdate + INTERVAL 30 DAY, si.rate * si.k * (si.k + 1) / 2 * 1.19,
         si.rate * si.k * (si.k + 1) / 2 * 1.19, si.rate * si.k * (si.k + 1) / 2 * 1.19, 1
  FROM seq_1_to_{PE} p JOIN gen_si si ON si.i = 2 * p.seq;
INSERT INTO gen_stat VALUES ('tabPayment Entry Reference', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

-- ---------------------------------------------------------------- ledgers
-- GL Entry: invoice (debtors debit / sales credit / VAT credit), journal entry (cash
-- debit / sales credit), payment entry (cash debit / debtors credit, against the invoice)
INSERT INTO `tabGL Entry` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `posting_date`, `account`, `party_type`, `party`, `cost_center`, `debit`, `credit`,
    `account_currency`, `debit_in_account_currency`, `credit_in_account_currency`,
    `against_voucher_type`, `against_voucher`, `voucher_type`, `voucher_no`, `is_opening`,
    `fiscal_year`, `company`, `is_cancelled`)
  SELECT CONCAT('GEN-GLE-S', LPAD(si.i, 8, '0'), '-', j.seq), si.ts, si.ts, 'Administrator',
         'gen@example.com', 1, 0, si.pdate,
         CONCAT(ELT(j.seq, 'Debtors', 'Sales', 'VAT'), ' - ', co.abbr),
         IF(j.seq = 1, 'Customer', NULL), IF(j.seq = 1, CONCAT('GEN-CUST-', LPAD(si.cust, 7, '0')), NULL),
         CONCAT('Main - ', co.abbr),
         IF(j.seq = 1, si.rate * si.k * (si.k + 1) / 2 * 1.19, 0),
         ELT(j.seq, 0, si.rate * si.k * (si.k + 1) / 2, si.rate * si.k * (si.k + 1) / 2 * 0.19),
         co.currency, IF(j.seq = 1, si.rate * si.k * (si.k + 1) / 2 * 1.19, 0),
         ELT(j.seq, 0, si.rate * si.k * (si.k + 1) / 2, si.rate * si.k * (si.k + 1) / 2 * 0.19),
         IF(j.seq = 1, 'Sales Invoice', NULL), IF(j.seq = 1, CONCAT('GEN-SINV-', LPAD(si.i, 8, '0')), NULL),
         'Sales Invoice', CONCAT('GEN-SINV-', LPAD(si.i, 8, '0')), 'No', YEAR(si.pdate), co.name, 0
  FROM gen_si si JOIN gen_co co ON co.idx = si.c JOIN seq_1_to_3 j
  WHERE si.docstatus = 1;
INSERT INTO gen_stat VALUES ('tabGL Entry', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);
INSERT INTO `tabGL Entry` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `posting_date`, `account`, `party_type`, `party`, `cost_center`, `debit`, `credit`,
    `account_currency`, `debit_in_account_currency`, `credit_in_account_currency`,
    `against_voucher_type`, `against_voucher`, `voucher_type`, `voucher_no`, `is_opening`,
    `fiscal_year`, `company`, `is_cancelled`)
  SELECT CONCAT('GEN-GLE-J', LPAD(je.e, 8, '0'), '-', j.seq), je.ts, je.ts, 'Administrator',
         'gen@example.com', 1, 0, je.pdate, CONCAT(IF(j.seq = 1, 'Cash', 'Sales'), ' - ', co.abbr),
         NULL, NULL, CONCAT('Main - ', co.abbr), IF(j.seq = 1, je.amt, 0), IF(j.seq = 2, je.amt, 0),
         co.currency, IF(j.seq = 1, je.amt, 0), IF(j.seq = 2, je.amt, 0), NULL, NULL,
         'Journal Entry', CONCAT('GEN-JV-', LPAD(je.e, 8, '0')), 'No', YEAR(je.pdate), co.name, 0
  FROM gen_je je JOIN gen_co co ON co.idx = je.c JOIN seq_1_to_2 j;
UPDATE gen_stat SET n = n + ROW_COUNT(), us = us + TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6))
  WHERE t = 'tabGL Entry';
SET @gen_t = SYSDATE(6);
INSERT INTO `tabGL Entry` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `posting_date`, `account`, `party_type`, `party`, `cost_center`, `debit`, `credit`,
    `account_currency`, `debit_in_account_currency`, `credit_in_account_currency`,
    `against_voucher_type`, `against_voucher`, `voucher_type`, `voucher_no`, `is_opening`,
    `fiscal_year`, `company`, `is_cancelled`)
  SELECT CONCAT('GEN-GLE-P', LPAD(p.seq, 8, '0'), '-', j.seq), si.ts + INTERVAL 1 DAY,
         si.ts + INTERVAL 1 DAY, 'Administrator', 'gen@example.com', 1, 0, si.pdate + INTERVAL 1 DAY,
         CONCAT(IF(j.seq = 1, 'Cash', 'Debtors'), ' - ', co.abbr),
         IF(j.seq = 2, 'Customer', NULL), IF(j.seq = 2, CONCAT('GEN-CUST-', LPAD(si.cust, 7, '0')), NULL),
         CONCAT('Main - ', co.abbr),
         IF(j.seq = 1, si.rate * si.k * (si.k + 1) / 2 * 1.19, 0),
         IF(j.seq = 2, si.rate * si.k * (si.k + 1) / 2 * 1.19, 0), co.currency,
         IF(j.seq = 1, si.rate * si.k * (si.k + 1) / 2 * 1.19, 0),
         IF(j.seq = 2, si.rate * si.k * (si.k + 1) / 2 * 1.19, 0),
         IF(j.seq = 2, 'Sales Invoice', NULL), IF(j.seq = 2, CONCAT('GEN-SINV-', LPAD(si.i, 8, '0')), NULL),
         'Payment Entry', CONCAT('GEN-PE-', LPAD(p.seq, 8, '0')), 'No', YEAR(si.pdate + INTERVAL 1 DAY),
         co.name, 0
  FROM seq_1_to_{PE} p JOIN gen_si si ON si.i = 2 * p.seq JOIN gen_co co ON co.idx = si.c
       JOIN seq_1_to_2 j;
UPDATE gen_stat SET n = n + ROW_COUNT(), us = us + TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6))
  WHERE t = 'tabGL Entry';
SET @gen_t = SYSDATE(6);

SELECT t, n, us FROM gen_stat ORDER BY t;
