-- bench/sql/capture_procs.sql -- benchmark 4 helpers, installed into the site db.
DELIMITER ;;

-- Insert p_n rows into `tabSales Invoice Item` as Frappe does when it saves
-- invoices: one transaction per document, p_per_doc items each, every row
-- with its parent (an existing Sales Invoice) and ~25 columns filled.
-- Returns the elapsed microseconds.
DROP PROCEDURE IF EXISTS bench_insert_items;;
CREATE PROCEDURE bench_insert_items(IN p_tag VARCHAR(20), IN p_n INT, IN p_per_doc INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  DECLARE j INT;
  DECLARE v_parent VARCHAR(140);
  DECLARE v_nparents INT DEFAULT (SELECT COUNT(*) FROM bench_parents);
  DECLARE t0 DATETIME(6) DEFAULT SYSDATE(6);
  WHILE i < p_n DO
    SELECT name INTO v_parent FROM bench_parents WHERE n = (i DIV p_per_doc) MOD v_nparents;
    START TRANSACTION;
    SET j = 0;
    WHILE j < p_per_doc AND i < p_n DO
      INSERT INTO `tabSales Invoice Item`
        (name, creation, modified, modified_by, owner, docstatus, parent, parentfield, parenttype,
         idx, item_code, item_name, description, item_group, qty, stock_uom, uom,
         conversion_factor, stock_qty, price_list_rate, base_price_list_rate, rate, amount,
         base_rate, base_amount, net_rate, net_amount, base_net_rate, base_net_amount,
         income_account, expense_account, warehouse, cost_center)
      VALUES
        (CONCAT('bench-', p_tag, '-', i), NOW(6), NOW(6), 'Administrator', 'Administrator', 0,
         v_parent, 'items', 'Sales Invoice', j + 1, CONCAT('ITEM-', i MOD 500),
         CONCAT('Item "', i MOD 500, '"'), CONCAT('<p>Benchmark item ', i, ' \\ with quotes "</p>'),
         'Products', 1 + i MOD 7, 'Nos', 'Nos', 1, 1 + i MOD 7, 99.5, 99.5, 99.5,
         99.5 * (1 + i MOD 7), 99.5, 99.5 * (1 + i MOD 7), 99.5, 99.5 * (1 + i MOD 7), 99.5,
         99.5 * (1 + i MOD 7), 'Sales - WP', 'Cost of Goods Sold - WP', 'Stores - WP', 'Main - WP');
      SET i = i + 1, j = j + 1;
    END WHILE;
    COMMIT;
  END WHILE;
  SELECT TIMESTAMPDIFF(MICROSECOND, t0, SYSDATE(6)) AS us;
END;;
DELIMITER ;

DROP TABLE IF EXISTS bench_parents;
CREATE TABLE bench_parents (n INT PRIMARY KEY, name VARCHAR(140))
  SELECT ROW_NUMBER() OVER (ORDER BY name) - 1 AS n, name FROM `tabSales Invoice`;
