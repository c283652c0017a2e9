// SPDX-License-Identifier: Apache-2.0
package org.quantscope.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.quantscope.graph.GraphLayout.Bounds;
import org.quantscope.graph.GraphLayout.Edge;
import org.quantscope.graph.GraphLayout.Result;
import org.quantscope.progress.Progress;

/** The bounding box of an edge, which the window's overview and the report use to cull edges. */
class EdgeBoundsTest {
  private static Edge edge(double... points) {
    return new Edge("a", "b", "v", points);
  }

  @Test
  void boundsHoldEveryPointNotOnlyTheEnds() {
    // down, far left, far right, then down to the target: the middle points stretch the box
    Edge e = edge(50, 10, 50, 20, -30, 20, 140, 25, 140, 90, 60, 90);
    assertThat(e.bounds()).isEqualTo(new Bounds(-30, 10, 140, 90));
    assertThat(edge(5, 7, 5, 7).bounds()).isEqualTo(new Bounds(5, 7, 5, 7));
  }

  @Test
  void intersectsCountsTouchingBordersAndMissesEachSide() {
    Bounds b = new Bounds(10, 20, 30, 40);
    assertThat(b.intersects(0, 0, 100, 100)).as("inside a bigger view").isTrue();
    assertThat(b.intersects(15, 25, 16, 26)).as("a view inside the box").isTrue();
    assertThat(b.intersects(30, 40, 50, 60)).as("corner to corner").isTrue();
    assertThat(b.intersects(0, 0, 10, 20)).as("other corner").isTrue();
    assertThat(b.intersects(31, 0, 50, 100)).as("view right of it").isFalse();
    assertThat(b.intersects(0, 0, 9.9, 100)).as("view left of it").isFalse();
    assertThat(b.intersects(0, 41, 100, 60)).as("view below it").isFalse();
    assertThat(b.intersects(0, 0, 100, 19.5)).as("view above it").isFalse();
  }

  @Test
  void everyEdgeOfALayoutLiesInTheDrawingAndHoldsItsEnds() {
    Result r =
        GraphLayout.layout(
            Scope.all(GraphLayoutTest.chain(6)).get(0),
            GraphLayout.Options.DEFAULTS,
            Progress.NONE);
    assertThat(r.edges()).isNotEmpty();
    for (Edge e : r.edges()) {
      Bounds b = e.bounds();
      assertThat(b.intersects(0, 0, r.width(), r.height())).as(e.toString()).isTrue();
      for (int i = 0; i < e.pointCount(); i++) {
        assertThat(e.x(i)).isBetween(b.minX(), b.maxX());
        assertThat(e.y(i)).isBetween(b.minY(), b.maxY());
      }
      // a view just past the box on any side misses the edge
      assertThat(b.intersects(b.maxX() + 1, b.minY(), b.maxX() + 5, b.maxY())).isFalse();
      assertThat(b.intersects(b.minX(), b.maxY() + 1, b.maxX(), b.maxY() + 5)).isFalse();
    }
  }
}
