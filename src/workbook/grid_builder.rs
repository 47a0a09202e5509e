//! Building a [`Grid`] cell by cell under the cell limit.
//!
//! Readers deliver cells in row-major order almost always (calamine's streaming reader follows
//! the XML, ranges iterate row by row, CSV is read top to bottom), so rows are built directly
//! as cells arrive. A cell out of order — possible in a hand-made xlsx — switches to collecting
//! everything and sorting once, through [`Grid::from_cells`].

use super::{CellValue, Grid, Limits, ReadError, Row};

pub(super) struct GridBuilder<'a> {
    sheet: &'a str,
    limit: usize,
    count: usize,
    rows: Vec<Row>,
    /// Set once a cell arrives out of order.
    unsorted: Option<Vec<(u32, u32, CellValue)>>,
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
        if matches!(&value, CellValue::Text(s) if s.is_empty()) {
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
            cells.push((row, col, value));
            return Ok(());
        }
        match self.rows.last_mut() {
            Some(last) if last.index == row => {
                if last.cells.last().is_some_and(|(c, _)| *c >= col) {
                    self.switch_to_unsorted();
                    return self.push_unsorted(row, col, value);
                }
                last.cells.push((col, value));
            }
            Some(last) if last.index > row => {
                self.switch_to_unsorted();
                return self.push_unsorted(row, col, value);
            }
            _ => self.rows.push(Row {
                index: row,
                cells: vec![(col, value)],
            }),
        }
        Ok(())
    }

    fn push_unsorted(&mut self, row: u32, col: u32, value: CellValue) -> Result<(), ReadError> {
        if let Some(cells) = self.unsorted.as_mut() {
            cells.push((row, col, value));
        }
        Ok(())
    }

    fn switch_to_unsorted(&mut self) {
        let cells = std::mem::take(&mut self.rows)
            .into_iter()
            .flat_map(|row| {
                let index = row.index;
                row.cells.into_iter().map(move |(c, v)| (index, c, v))
            })
            .collect();
        self.unsorted = Some(cells);
    }

    pub(super) fn finish(self) -> Grid {
        match self.unsorted {
            Some(cells) => Grid::from_cells(cells),
            None => Grid { rows: self.rows },
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
