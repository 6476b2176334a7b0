// The layout of a sequence chart (sequence_chart.hpp) as one SVG file: the title, the lifeline
// headers, one row per step from top to bottom (the step and its decisions in a gutter on the
// left, the arrow or box across the lifelines, then what each lifeline sees after it, and the
// frames on the right), the marks, the lifeline headers again under a long chart, and a legend.
// Every size comes from the text it holds (monospace, svg_writer.hpp), so nothing is cut or
// overlaps, however long the trace. Parts carry classes a test or a style sheet can find:
// g.lifeline#lifeline-P0, g.row#step-3 (step 0: the initial state), g.mark.violation (also
// .earlier, .needless_copy, .stuck) with text.mark-text, text.wrong for a value that is not the
// ideal one.
#pragma once

#include <string>

#include "checker/views/sequence_chart.hpp"

namespace cowpin {

std::string chart_svg(const SequenceChart& chart);

}  // namespace cowpin
