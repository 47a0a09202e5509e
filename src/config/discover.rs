//! Which `daicho.toml` governs each checked file ([`Resolver`], [`discover`]).

use super::{load_file, resolve, ConfigError, Overrides};
use crate::settings::{Settings, CONFIG_FILE_NAME};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Finds and loads the settings for each checked file, each config file once.
pub struct Resolver {
    cli: Overrides,
    /// `--config FILE`: applies to every file.
    explicit: Option<Arc<Settings>>,
    default: Option<Arc<Settings>>,
    by_config: HashMap<PathBuf, Arc<Settings>>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl Resolver {
    /// With `--config`, the file is loaded now (an error here stops the run).
    pub fn new(cli: Overrides, explicit: Option<&Path>) -> Result<Resolver, ConfigError> {
        let explicit = match explicit {
            Some(p) => Some(Arc::new(resolve(&cli, Some((p, load_file(p)?)))?)),
            None => None,
        };
        Ok(Resolver {
            cli,
            explicit,
            default: None,
            by_config: HashMap::new(),
            by_dir: HashMap::new(),
        })
    }

    /// The settings that govern `file`: `--config`, else the nearest daicho.toml, else defaults.
    pub fn settings_for(&mut self, file: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(s) = &self.explicit {
            return Ok(s.clone());
        }
        let start = std::path::absolute(file)
            .unwrap_or_else(|_| file.to_path_buf())
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let found = match self.by_dir.get(&start) {
            Some(f) => f.clone(),
            None => {
                let f = discover(&start);
                self.by_dir.insert(start, f.clone());
                f
            }
        };
        match found {
            Some(cfg) => {
                if let Some(s) = self.by_config.get(&cfg) {
                    return Ok(s.clone());
                }
                let s = Arc::new(resolve(&self.cli, Some((&cfg, load_file(&cfg)?)))?);
                self.by_config.insert(cfg, s.clone());
                Ok(s)
            }
            None => Ok(self.defaults()),
        }
    }

    /// Settings without any config file (command line over defaults).
    pub fn defaults(&mut self) -> Arc<Settings> {
        if let Some(s) = &self.explicit {
            return s.clone();
        }
        let cli = &self.cli;
        self.default
            .get_or_insert_with(|| {
                // Cannot fail without a file.
                Arc::new(resolve(cli, None).unwrap_or_else(|_| Settings::new(cli.as_of)))
            })
            .clone()
    }
}

/// The nearest `daicho.toml` in `dir` or its parents.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(CONFIG_FILE_NAME))
        .find(|c| c.is_file())
}
