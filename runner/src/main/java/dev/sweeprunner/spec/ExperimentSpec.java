package dev.sweeprunner.spec;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated experiment file. Each grid block already has the defaults merged in: its axes are
 * the values to combine, in declared order (defaults first, then keys only the block sets). Under
 * a search, a value may be a {@link Distribution} to draw from.
 */
public record ExperimentSpec(String name, String description, Path file, DataSettings data, List<GridBlock> grid,
        SearchSpec search) {

    public ExperimentSpec {
        grid = List.copyOf(grid);
    }

    /** A plain grid experiment (no {@code search:} block). */
    public ExperimentSpec(String name, String description, Path file, DataSettings data, List<GridBlock> grid) {
        this(name, description, file, data, grid, SearchSpec.grid(new SourceLocation(file.toString(), 1, 1)));
    }

    /** One value from the file and where it was written, for errors found after parsing. */
    public record Located(Object value, SourceLocation location, String path) {}

    /** One setting and the values it takes in a block (one value for a plain scalar). */
    public record Axis(TrialField field, List<Located> values) {
        public Axis {
            values = List.copyOf(values);
        }
    }

    public record GridBlock(int index, SourceLocation location, List<Axis> axes) {
        public GridBlock {
            axes = List.copyOf(axes);
        }
    }
}
