//! Building a [`Grid`] cell by cell under the cell limit.
//!
//! Readers deliver cells in row-major order almost always (calamine's streaming reader follows
//! the XML, ranges iterate row by row, CSV is read top to bottom), so rows are built directly
//! as cells arrive. A cell out of order — possible in a hand-made xlsx — switches to collecting
//! everything and sorting once, through [`Grid::from_cells`].

use super::{CellIn, CellValue, Grid, Limits, ReadError, Row};

/// The cell budget of a whole workbook: `max_cells_per_sheet` cells over all sheets together.
/// Without it, a small file of many full sheets (a zip bomb under the uncompressed budget, or
/// an .xls/.ods with many sheets) could hold several times the per-sheet limit in memory:
/// measured, 5 sheets × 9.9M cells in a 2 MB xlsx took 2.5 GB. Each sheet is read under what
/// is left of the budget ([`WorkbookCells::sheet_limits`]), so reading stops at the limit.
pub(super) struct WorkbookCells {
    used: usize,
    limit: usize,
}

impl WorkbookCells {
    pub(super) fn new(limits: &Limits) -> Self {
        WorkbookCells {
            used: 0,
            limit: limits.max_cells_per_sheet,
        }
    }

    /// The limits for reading the next sheet: the per-sheet limit or what is left, if less.
    pub(super) fn sheet_limits(&self, limits: &Limits) -> Limits {
        Limits {
            max_cells_per_sheet: limits
                .max_cells_per_sheet
                .min(self.limit.saturating_sub(self.used)),
            ..*limits
        }
    }

    /// A sheet's error under [`Self::sheet_limits`]: running out of what was left of the
    /// workbook's budget is the workbook's error, not the sheet's.
    pub(super) fn explain(&self, limits: &Limits, error: ReadError) -> ReadError {
        match error {
            ReadError::TooManyCells { limit, .. } if limit < limits.max_cells_per_sheet => {
                ReadError::TooManyCellsInWorkbook { limit: self.limit }
            }
            other => other,
        }
    }

    /// Counts a finished sheet; fails once the workbook is over the limit.
    pub(super) fn add(&mut self, grid: &Grid) -> Result<(), ReadError> {
        self.used = self.used.saturating_add(grid.cell_count());
        if self.used > self.limit {
            return Err(ReadError::TooManyCellsInWorkbook { limit: self.limit });
        }
        Ok(())
    }
}

pub(super) struct GridBuilder<'a> {
    sheet: &'a str,
    limit: usize,
    count: usize,
    rows: Vec<Row>,
    /// Set once a cell arrives out of order.
    unsorted: Option<Vec<CellIn>>,
}

impl<'a> GridBuilder<'a> {
    pub(super) fn new(sheet: &'a str, limits: &Limits) -> Self {
        GridBuilder {
            sheet,
            limit: limits.max_cells_per_sheet,
            count: 0,
            rows: Vec::new(),
            unsorted: None,
        }
    }

    /// Adds one cell; empty text is dropped. Fails past the sheet's cell limit.
    pub(super) fn push(&mut self, row: u32, col: u32, value: CellValue) -> Result<(), ReadError> {
        self.push_cell(CellIn::plain(row, col, value))
    }

    /// [`Self::push`] for a cell with its displayed text and strike-through.
    pub(super) fn push_cell(&mut self, cell: CellIn) -> Result<(), ReadError> {
        if matches!(&cell.value, CellValue::Text(s) if s.is_empty()) {
            return Ok(());
        }
        if self.count >= self.limit {
            return Err(ReadError::TooManyCells {
                sheet: self.sheet.to_string(),
                limit: self.limit,
            });
        }
        self.count += 1;
        if let Some(cells) = self.unsorted.as_mut() {
            cells.push(cell);
            return Ok(());
        }
        match self.rows.last_mut() {
            Some(last) if last.index == cell.row => {
                if last.cells.last().is_some_and(|(c, _)| *c >= cell.col) {
                    self.switch_to_unsorted(cell);
                    return Ok(());
                }
                last.push(cell);
            }
            Some(last) if last.index > cell.row => self.switch_to_unsorted(cell),
            _ => {
                // A ledger's rows are alike: room for as many cells as the row before, and that
                // row's spare room given back. Growing by doubling left 16 slots of 40 bytes
                // for a 12-cell row (64 MB for 100k rows where 48 MB are used).
                let room = match self.rows.last_mut() {
                    Some(last) => {
                        last.cells.shrink_to_fit();
                        last.cells.len()
                    }
                    None => 0,
                };
                let mut row = Row::new(cell.row, Vec::with_capacity(room.max(1)));
                row.push(cell);
                self.rows.push(row);
            }
        }
        Ok(())
    }

    fn switch_to_unsorted(&mut self, next: CellIn) {
        let mut cells: Vec<CellIn> = std::mem::take(&mut self.rows)
            .into_iter()
            .flat_map(|row| {
                let index = row.index;
                let shown = row.shown;
                let struck = row.struck;
                row.cells.into_iter().map(move |(c, v)| CellIn {
                    row: index,
                    col: c,
                    value: v,
                    shown: shown
                        .binary_search_by_key(&c, |(col, _)| *col)
                        .ok()
                        .map(|i| shown[i].1.clone()),
                    struck: struck.binary_search(&c).is_ok(),
                })
            })
            .collect();
        cells.push(next);
        self.unsorted = Some(cells);
    }

    pub(super) fn finish(mut self) -> Grid {
        match self.unsorted {
            Some(cells) => Grid::from_cells_in(cells),
            None => {
                if let Some(last) = self.rows.last_mut() {
                    last.cells.shrink_to_fit();
                }
                self.rows.shrink_to_fit();
                Grid { rows: self.rows }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: f64) -> CellValue {
        CellValue::Number(v)
    }

    #[test]
    fn in_order_and_out_of_order_give_the_same_grid() {
        let cells = [(0, 0, 1.0), (0, 3, 2.0), (2, 1, 3.0), (5, 0, 4.0)];
        let mut sorted = GridBuilder::new("s", &Limits::default());
        for (r, c, v) in cells {
            sorted.push(r, c, n(v)).unwrap();
        }
        let sorted = sorted.finish();
        let mut shuffled = GridBuilder::new("s", &Limits::default());
        for i in [2, 0, 3, 1] {
            let (r, c, v) = cells[i];
            shuffled.push(r, c, n(v)).unwrap();
        }
        let shuffled = shuffled.finish();
        for (r, c, v) in cells {
            assert_eq!(sorted.get(r, c), Some(&n(v)));
            assert_eq!(shuffled.get(r, c), Some(&n(v)));
        }
        assert_eq!(sorted.cell_count(), 4);
        assert_eq!(shuffled.cell_count(), 4);
    }

    #[test]
    fn duplicate_address_keeps_the_later_value() {
        let mut b = GridBuilder::new("s", &Limits::default());
        b.push(1, 1, n(1.0)).unwrap();
        b.push(1, 1, n(2.0)).unwrap();
        let g = b.finish();
        assert_eq!(g.get(1, 1), Some(&n(2.0)));
        assert_eq!(g.cell_count(), 1);
    }

    #[test]
    fn workbook_budget_counts_all_sheets() {
        let limits = Limits {
            max_cells_per_sheet: 3,
            ..Limits::default()
        };
        let two = Grid::from_cells(vec![(0, 0, n(1.0)), (0, 1, n(2.0))]);
        let mut budget = WorkbookCells::new(&limits);
        budget.add(&two).unwrap();
        // The next sheet may hold one more cell; reading a second fails as the workbook's error.
        let next = budget.sheet_limits(&limits);
        assert_eq!(next.max_cells_per_sheet, 1);
        let mut b = GridBuilder::new("s2", &next);
        b.push(0, 0, n(1.0)).unwrap();
        let err = b.push(0, 1, n(2.0)).unwrap_err();
        assert_eq!(
            budget.explain(&limits, err),
            ReadError::TooManyCellsInWorkbook { limit: 3 }
        );
        // A sheet over the per-sheet limit on its own keeps its own error.
        let own = ReadError::TooManyCells {
            sheet: "s".into(),
            limit: 3,
        };
        assert_eq!(budget.explain(&limits, own.clone()), own);
        assert_eq!(
            budget.add(&two).unwrap_err(),
            ReadError::TooManyCellsInWorkbook { limit: 3 }
        );
    }

    #[test]
    fn limit_and_empty_text() {
        let limits = Limits {
            max_cells_per_sheet: 1,
            ..Limits::default()
        };
        let mut b = GridBuilder::new("台帳", &limits);
        b.push(0, 0, CellValue::Text(String::new())).unwrap();
        b.push(0, 1, n(1.0)).unwrap();
        assert_eq!(
            b.push(0, 2, n(2.0)).unwrap_err(),
            ReadError::TooManyCells {
                sheet: "台帳".into(),
                limit: 1
            }
        );
    }
}
