-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- bench/gen/sales.sql -- after common.sql: Sales Invoices with their items and tax rows,
-- Stock Ledger Entries (in parallel with ledger.sql: no table in common).

SET @gen_t = SYSDATE(6);
INSERT INTO `tabSales Invoice` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `title`, `naming_series`, `customer`, `customer_name`, `company`, `posting_date`,
    `due_date`, `currency`, `conversion_rate`, `selling_price_list`, `price_list_currency`,
    `plc_conversion_rate`, `set_warehouse`, `update_stock`, `total_qty`, `base_total`,
    `base_net_total`, `total`, `net_total`, `taxes_and_charges`, `total_taxes_and_charges`,
    `base_grand_total`, `grand_total`, `rounded_total`, `outstanding_amount`, `status`, `debit_to`)
  SELECT CONCAT('GEN-SINV-', LPAD(si.i, 8, '0')), si.ts, si.ts, 'Administrator', 'gen@example.com',
         si.docstatus, 0, CONCAT('GEN-CUST-', LPAD(si.cust, 7, '0')), 'GEN-SINV-',
         CONCAT('GEN-CUST-', LPAD(si.cust, 7, '0')), CONCAT('GEN-CUST-', LPAD(si.cust, 7, '0')),
         co.name, si.pdate, si.pdate + INTERVAL 30 DAY, co.currency, 1, 'Standard Selling',
         co.currency, 1, CONCAT('Stores - ', co.abbr), 1, si.k * (si.k + 1) / 2,
         si.rate * si.k * (si.k + 1) / 2, si.rate * si.k * (si.k + 1) / 2,
         si.rate * si.k * (si.k + 1) / 2, si.rate * si.k * (si.k + 1) / 2,
         CONCAT('VAT - ', co.abbr), si.rate * si.k * (si.k + 1) / 2 * 0.19,
         si.rate * si.k * (si.k + 1) / 2 * 1.19, si.rate * si.k * (si.k + 1) / 2 * 1.19,
         si.rate * si.k * (si.k + 1) / 2 * 1.19,
         IF(si.docstatus = 1 AND si.i MOD 2 = 1, si.rate * si.k * (si.k + 1) / 2 * 1.19, 0),
         IF(si.docstatus = 0, 'Draft', IF(si.i MOD 2 = 0, 'Paid', 'Unpaid')),
         CONCAT('Debtors - ', co.abbr)
  FROM gen_si si JOIN gen_co co ON co.idx = si.c;
INSERT INTO gen_stat VALUES ('tabSales Invoice', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabSales Invoice Item` (`name`, `creation`, `modified`, `modified_by`, `owner`,
    `docstatus`, `parent`, `parentfield`, `parenttype`, `idx`, `item_code`, `item_name`,
    `description`, `qty`, `stock_uom`, `uom`, `conversion_factor`, `stock_qty`, `rate`, `amount`,
    `base_rate`, `base_amount`, `net_rate`, `net_amount`, `income_account`, `warehouse`,
    `cost_center`)
  SELECT CONCAT('GEN-SII-', LPAD(si.i, 8, '0'), '-', j.seq), si.ts, si.ts, 'Administrator',
         'gen@example.com', si.docstatus, CONCAT('GEN-SINV-', LPAD(si.i, 8, '0')), 'items',
         'Sales Invoice', j.seq,
         CONCAT('GEN-ITEM-', LPAD(1 + (si.item0 + j.seq) MOD {ITEMS}, 6, '0')),
         CONCAT('GEN-ITEM-', LPAD(1 + (si.item0 + j.seq) MOD {ITEMS}, 6, '0')),
         CONCAT('GEN-ITEM-', LPAD(1 + (si.item0 + j.seq) MOD {ITEMS}, 6, '0')),
         j.seq, 'Nos', 'Nos', 1, j.seq, si.rate, si.rate * j.seq, si.rate, si.rate * j.seq,
         si.rate, si.rate * j.seq, CONCAT('Sales - ', co.abbr), CONCAT('Stores - ', co.abbr),
         CONCAT('Main - ', co.abbr)
  FROM gen_si si JOIN gen_co co ON co.idx = si.c JOIN seq_1_to_5 j ON j.seq <= si.k;
INSERT INTO gen_stat VALUES ('tabSales Invoice Item', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabSales Taxes and Charges` (`name`, `creation`, `modified`, `modified_by`, `owner`,
    `docstatus`, `parent`, `parentfield`, `parenttype`, `idx`, `charge_type`, `account_head`,
    `description`, `cost_center`, `rate`, `tax_amount`, `total`, `base_tax_amount`)
  SELECT CONCAT('GEN-STC-', LPAD(si.i, 8, '0')), si.ts, si.ts, 'Administrator', 'gen@example.com',
         si.docstatus, CONCAT('GEN-SINV-', LPAD(si.i, 8, '0')), 'taxes', 'Sales Invoice', 1,
         'On Net Total', CONCAT('VAT - ', co.abbr), 'VAT', CONCAT('Main - ', co.abbr), 19,
         si.rate * si.k * (si.k + 1) / 2 * 0.19, si.rate * si.k * (si.k + 1) / 2 * 1.19,
         si.rate * si.k * (si.k + 1) / 2 * 0.19
  FROM gen_si si JOIN gen_co co ON co.idx = si.c
  UNION ALL
  -- each company's tax template row
  SELECT CONCAT('GEN-STC-T', co.idx), TIMESTAMP'2022-01-01 10:40:00', TIMESTAMP'2022-01-01 10:40:00',
         'Administrator', 'gen@example.com', 0, CONCAT('VAT - ', co.abbr), 'taxes',
         'Sales Taxes and Charges Template', 1, 'On Net Total', CONCAT('VAT - ', co.abbr), 'VAT',
         CONCAT('Main - ', co.abbr), 19, 0, 0, 0
  FROM gen_co co;
INSERT INTO gen_stat VALUES ('tabSales Taxes and Charges', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);


-- Stock Ledger Entry: one per item row of a submitted invoice
INSERT INTO `tabStock Ledger Entry` (`name`, `creation`, `modified`, `modified_by`, `owner`,
    `docstatus`, `idx`, `item_code`, `warehouse`, `posting_date`, `posting_time`, `voucher_type`,
    `voucher_no`, `voucher_detail_no`, `actual_qty`, `qty_after_transaction`, `valuation_rate`,
    `stock_value_difference`, `company`, `stock_uom`, `fiscal_year`, `is_cancelled`)
  SELECT CONCAT('GEN-SLE-', LPAD(si.i, 8, '0'), '-', j.seq), si.ts, si.ts, 'Administrator',
         'gen@example.com', 1, 0, CONCAT('GEN-ITEM-', LPAD(1 + (si.item0 + j.seq) MOD {ITEMS}, 6, '0')),
         CONCAT('Stores - ', co.abbr), si.pdate, TIME(si.ts), 'Sales Invoice',
         CONCAT('GEN-SINV-', LPAD(si.i, 8, '0')), CONCAT('GEN-SII-', LPAD(si.i, 8, '0'), '-', j.seq),
         -CAST(j.seq AS SIGNED), 1000 - j.seq, 10, -10 * CAST(j.seq AS SIGNED), co.name, 'Nos', YEAR(si.pdate), 0
  FROM gen_si si JOIN gen_co co ON co.idx = si.c JOIN seq_1_to_5 j ON j.seq <= si.k
  WHERE si.docstatus = 1;
INSERT INTO gen_stat VALUES ('tabStock Ledger Entry', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

SELECT t, n, us FROM gen_stat ORDER BY t;
