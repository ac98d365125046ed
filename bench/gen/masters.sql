-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- bench/gen/masters.sql -- after common.sql: companies and their accounts, cost centers,
-- warehouse, tax template; customers, items, naming series counters (first, alone).

INSERT INTO `tabCompany` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `company_name`, `abbr`, `is_group`, `domain`, `default_currency`, `country`,
    `chart_of_accounts`, `default_receivable_account`, `round_off_account`,
    `default_income_account`, `cost_center`, `lft`, `rgt`)
  SELECT name, TIMESTAMP'2022-01-01 08:00:00' + INTERVAL idx MINUTE,
         TIMESTAMP'2022-01-01 08:00:00' + INTERVAL idx MINUTE, 'Administrator', 'gen@example.com',
         0, 0, name, abbr, 0, 'Distribution', currency, country, 'Standard',
         CONCAT('Debtors - ', abbr), CONCAT('Round Off - ', abbr), CONCAT('Sales - ', abbr),
         CONCAT('Main - ', abbr), 0, 0
  FROM gen_co;
INSERT INTO gen_stat VALUES ('tabCompany', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabAccount` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `account_name`, `is_group`, `company`, `root_type`, `report_type`,
    `account_currency`, `parent_account`, `account_type`)
  SELECT CONCAT(a.account_name, ' - ', c.abbr), TIMESTAMP'2022-01-01 09:00:00' + INTERVAL c.idx MINUTE,
         TIMESTAMP'2022-01-01 09:00:00' + INTERVAL c.idx MINUTE, 'Administrator', 'gen@example.com',
         0, 0, a.account_name, a.is_group, c.name, a.root_type, a.report_type, c.currency,
         (SELECT CONCAT(p.account_name, ' - ', c.abbr) FROM gen_acct p WHERE p.k = a.parent_k),
         a.account_type
  FROM gen_co c JOIN gen_acct a;
INSERT INTO gen_stat VALUES ('tabAccount', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

-- the root cost center is '<company> - <abbr>', cut so that it fits 140 characters
INSERT INTO `tabCost Center` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `cost_center_name`, `parent_cost_center`, `company`, `is_group`)
  SELECT CONCAT(LEFT(c.name, 137 - CHAR_LENGTH(c.abbr)), ' - ', c.abbr),
         TIMESTAMP'2022-01-01 10:00:00', TIMESTAMP'2022-01-01 10:00:00', 'Administrator',
         'gen@example.com', 0, 0, LEFT(c.name, 137 - CHAR_LENGTH(c.abbr)), NULL, c.name, 1
  FROM gen_co c
  UNION ALL
  SELECT CONCAT('Main - ', c.abbr), TIMESTAMP'2022-01-01 10:00:00', TIMESTAMP'2022-01-01 10:00:00',
         'Administrator', 'gen@example.com', 0, 0, 'Main',
         CONCAT(LEFT(c.name, 137 - CHAR_LENGTH(c.abbr)), ' - ', c.abbr), c.name, 0
  FROM gen_co c;
INSERT INTO gen_stat VALUES ('tabCost Center', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabWarehouse` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `warehouse_name`, `is_group`, `company`)
  SELECT CONCAT('Stores - ', abbr), TIMESTAMP'2022-01-01 10:30:00', TIMESTAMP'2022-01-01 10:30:00',
         'Administrator', 'gen@example.com', 0, 0, 'Stores', 0, name
  FROM gen_co;
INSERT INTO gen_stat VALUES ('tabWarehouse', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabSales Taxes and Charges Template` (`name`, `creation`, `modified`, `modified_by`,
    `owner`, `docstatus`, `idx`, `title`, `is_default`, `company`)
  SELECT CONCAT('VAT - ', abbr), TIMESTAMP'2022-01-01 10:40:00', TIMESTAMP'2022-01-01 10:40:00',
         'Administrator', 'gen@example.com', 0, 0, 'VAT', 1, name
  FROM gen_co;
INSERT INTO gen_stat VALUES ('tabSales Taxes and Charges Template', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

-- ---------------------------------------------------------------- customers, items
-- customer m of company c is number (m-1)*@gen_n + c: 'GEN-CUST-0000042'
INSERT INTO `tabCustomer` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `idx`, `customer_name`, `customer_type`, `customer_group`, `territory`, `default_currency`
    {CUST_CO_COL})
  SELECT CONCAT('GEN-CUST-', LPAD((s.seq - 1) * @gen_n + co.idx, 7, '0')),
         TIMESTAMP'2022-01-02 08:00:00' + INTERVAL ((s.seq - 1) * @gen_n + co.idx) SECOND,
         TIMESTAMP'2022-01-02 08:00:00' + INTERVAL ((s.seq - 1) * @gen_n + co.idx) SECOND,
         'Administrator', 'gen@example.com', 0, 0,
         CONCAT('Kunde ', CONV(CRC32(CONCAT(@gen_seed, ':cust:', (s.seq - 1) * @gen_n + co.idx)), 10, 36)),
         ELT(1 + CRC32(CONCAT(@gen_seed, ':ctype:', s.seq, ':', co.idx)) MOD 2, 'Company', 'Individual'),
         'Commercial', 'All Territories', co.currency
         {CUST_CO_VAL}
  FROM seq_1_to_{CPC} s JOIN gen_co co;
INSERT INTO gen_stat VALUES ('tabCustomer', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabParty Account` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `parent`, `parentfield`, `parenttype`, `idx`, `company`, `account`)
  SELECT CONCAT('GEN-PA-', LPAD((s.seq - 1) * @gen_n + co.idx, 7, '0')),
         TIMESTAMP'2022-01-02 08:00:00' + INTERVAL ((s.seq - 1) * @gen_n + co.idx) SECOND,
         TIMESTAMP'2022-01-02 08:00:00' + INTERVAL ((s.seq - 1) * @gen_n + co.idx) SECOND,
         'Administrator', 'gen@example.com', 0,
         CONCAT('GEN-CUST-', LPAD((s.seq - 1) * @gen_n + co.idx, 7, '0')), 'accounts', 'Customer', 1,
         co.name, CONCAT('Debtors - ', co.abbr)
  FROM seq_1_to_{CPC} s JOIN gen_co co;
INSERT INTO gen_stat VALUES ('tabParty Account', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabItem` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`, `idx`,
    `item_code`, `item_name`, `item_group`, `stock_uom`, `is_stock_item`,
    `include_item_in_manufacturing`, `valuation_rate`, `standard_rate`, `description`)
  SELECT CONCAT('GEN-ITEM-', LPAD(seq, 6, '0')),
         TIMESTAMP'2022-01-03 08:00:00' + INTERVAL seq SECOND,
         TIMESTAMP'2022-01-03 08:00:00' + INTERVAL seq SECOND,
         'Administrator', 'gen@example.com', 0, 0, CONCAT('GEN-ITEM-', LPAD(seq, 6, '0')),
         CONCAT('Gadget ', seq), 'Products', 'Nos', 1, 1,
         5 + CRC32(CONCAT(@gen_seed, ':val:', seq)) MOD 50,
         60 + CRC32(CONCAT(@gen_seed, ':rate:', seq)) MOD 100,
         CONCAT('Gadget ', seq, ' (generated)')
  FROM seq_1_to_{ITEMS};
INSERT INTO gen_stat VALUES ('tabItem', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

INSERT INTO `tabItem Default` (`name`, `creation`, `modified`, `modified_by`, `owner`, `docstatus`,
    `parent`, `parentfield`, `parenttype`, `idx`, `company`, `default_warehouse`, `income_account`)
  SELECT CONCAT('GEN-IDF-', LPAD(s.seq, 6, '0'), '-', co.idx),
         TIMESTAMP'2022-01-03 08:00:00' + INTERVAL s.seq SECOND,
         TIMESTAMP'2022-01-03 08:00:00' + INTERVAL s.seq SECOND,
         'Administrator', 'gen@example.com', 0, CONCAT('GEN-ITEM-', LPAD(s.seq, 6, '0')),
         'item_defaults', 'Item', co.idx, co.name, CONCAT('Stores - ', co.abbr),
         CONCAT('Sales - ', co.abbr)
  FROM seq_1_to_{ITEMS} s JOIN gen_co co;
INSERT INTO gen_stat VALUES ('tabItem Default', ROW_COUNT(), TIMESTAMPDIFF(MICROSECOND, @gen_t, SYSDATE(6)));
SET @gen_t = SYSDATE(6);

-- naming series counters (node-local in frappe_sds's plan; as ERPNext keeps them)
INSERT INTO `tabSeries` (`name`, `current`) VALUES
  ('GEN-SINV-', {SI}), ('GEN-JV-', {JE}), ('GEN-PE-', {PE})
  ON DUPLICATE KEY UPDATE `current` = GREATEST(`current`, VALUES(`current`));


SELECT t, n, us FROM gen_stat ORDER BY t;
