# R survey side of benchmarks/bench_fgt.py: P0, P1, P2 with linearised SEs, city-wide
# (svymean) and by 15 domains (svyby ... svymean), on the CSV written by bench_fgt.py.
#
# Usage: Rscript benchmarks/bench_fgt.R data.csv line out.csv
# Writes out.csv (domain, indicator, estimate, se) and out.csv.json (seconds, peak RSS).
# Reads the CSV with data.table::fread when installed (Debian: r-cran-data.table), else
# read.csv; the read is timed separately and not counted in the total.

suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]; z <- as.numeric(args[2]); out <- args[3]

status <- function(key) {
  l <- grep(paste0("^", key), readLines("/proc/self/status"), value = TRUE)
  as.numeric(strsplit(trimws(sub(paste0(key, ":"), "", l)), " +")[[1]][1]) * 1024
}
elapsed <- function(expr) system.time(expr)[["elapsed"]]

reader <- if (requireNamespace("data.table", quietly = TRUE)) "data.table::fread" else "read.csv"
t_read <- elapsed(d <- if (reader == "read.csv") read.csv(csv) else as.data.frame(data.table::fread(csv)))
invisible(gc())
hwm_reset <- tryCatch({ cat("5", file = "/proc/self/clear_refs"); TRUE }, error = function(e) FALSE)

# PSU ids are unique across strata, so no nest = TRUE is needed
t_design <- elapsed({
  des <- svydesign(ids = ~psu, strata = ~strata, weights = ~w, data = d)
})
t_ind <- elapsed({
  des <- update(des,
                g0 = as.numeric(y < z),
                g1 = as.numeric(y < z) * (z - y) / z,
                g2 = as.numeric(y < z) * ((z - y) / z)^2)
})
t_city <- elapsed(city <- svymean(~g0 + g1 + g2, des))
t_by <- elapsed(by <- svyby(~g0 + g1 + g2, ~domain, des, svymean))
peak <- if (hwm_reset) status("VmHWM") else NA

ind <- c("p0", "p1", "p2")
res <- rbind(
  data.frame(domain = "all", indicator = ind, estimate = as.vector(coef(city)), se = as.vector(SE(city))),
  data.frame(domain = rep(as.character(by$domain), 3), indicator = rep(ind, each = nrow(by)),
             estimate = as.vector(as.matrix(by[, c("g0", "g1", "g2")])),
             se = as.vector(as.matrix(SE(by))))
)
res$estimate <- format(res$estimate, digits = 17)
res$se <- format(res$se, digits = 17)
write.csv(res, out, row.names = FALSE)

total <- t_design + t_ind + t_city + t_by
writeLines(sprintf(paste0('{"reader": "%s", "read": %.3f, "design": %.3f, "indicators": %.3f, ',
                          '"city": %.3f, "by_domain": %.3f, "total": %.3f, "peak_rss": %.0f, ',
                          '"r_version": "%s", "survey_version": "%s"}'),
                   reader, t_read, t_design, t_ind, t_city, t_by, total, peak,
                   R.version.string, as.character(packageVersion("survey"))),
           paste0(out, ".json"))
