using SpinFlow.MonteCarlo;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>The run-based union-find labelling against a plain breadth-first search over the same bonds.</summary>
public class SwendsenWangLabellingTests
{
    [Theory]
    [InlineData(2, 1.0)]
    [InlineData(3, 2.0)]
    [InlineData(31, SamplerRuns.CriticalTemperature)]
    [InlineData(32, SamplerRuns.CriticalTemperature)]
    [InlineData(33, 1.8)]
    [InlineData(64, 3.0)]
    [InlineData(70, SamplerRuns.CriticalTemperature)]
    public void ClustersAreTheConnectedComponentsOfTheBonds(int size, double temperature)
    {
        var sw = new SwendsenWang(size, temperature, (ulong)size);
        long totalClusters = 0, flippedClusters = 0;
        for (int sweep = 0; sweep < 5; sweep++)
        {
            sw.Sweep();
            sw.PlaceBonds();
            sw.BuildClusters();
            int n = size * size;
            var component = ReferenceComponents(sw, size);
            // Same partition: the map label → component must be a bijection.
            var labelToComponent = new Dictionary<int, int>();
            var componentToLabel = new Dictionary<int, int>();
            for (int i = 0; i < n; i++)
            {
                int label = sw.ClusterLabel(i);
                Assert.Equal(component[i], labelToComponent.GetValueOrDefault(label, component[i]));
                Assert.Equal(label, componentToLabel.GetValueOrDefault(component[i], label));
                labelToComponent[label] = component[i];
                componentToLabel[component[i]] = label;
            }
            // Occupied bonds only join equal spins.
            for (int i = 0; i < n; i++)
            {
                int r = i / size, c = i % size;
                if (sw.HasRightBond(i)) Assert.Equal(sw.Spins[i], sw.Spins[r * size + (c + 1) % size]);
                if (sw.HasDownBond(i)) Assert.Equal(sw.Spins[i], sw.Spins[(r + 1) % size * size + c]);
            }
            var before = sw.Spins.ToArray();
            Assert.Equal(componentToLabel.Count, sw.FlipClusters());
            // Each cluster flips as a whole.
            var flippedInComponent = new Dictionary<int, bool>();
            for (int i = 0; i < n; i++)
            {
                bool flipped = sw.Spins[i] == -before[i];
                Assert.True(flipped || sw.Spins[i] == before[i]);
                Assert.Equal(flipped, flippedInComponent.GetValueOrDefault(component[i], flipped));
                flippedInComponent[component[i]] = flipped;
            }
            totalClusters += flippedInComponent.Count;
            flippedClusters += flippedInComponent.Count(kv => kv.Value);
        }
        // Each cluster flips with probability ½.
        double share = (double)flippedClusters / totalClusters;
        Assert.InRange(share, 0.5 - 4 * Math.Sqrt(0.25 / totalClusters), 0.5 + 4 * Math.Sqrt(0.25 / totalClusters));
    }

    private static int[] ReferenceComponents(SwendsenWang sw, int size)
    {
        int n = size * size;
        var adjacency = new List<int>[n];
        for (int i = 0; i < n; i++) adjacency[i] = [];
        for (int i = 0; i < n; i++)
        {
            int r = i / size, c = i % size;
            if (sw.HasRightBond(i)) Link(i, r * size + (c + 1) % size);
            if (sw.HasDownBond(i)) Link(i, (r + 1) % size * size + c);
        }
        var component = new int[n];
        Array.Fill(component, -1);
        int count = 0;
        var queue = new Queue<int>();
        for (int s = 0; s < n; s++)
        {
            if (component[s] >= 0) continue;
            component[s] = count;
            queue.Enqueue(s);
            while (queue.Count > 0)
                foreach (int j in adjacency[queue.Dequeue()])
                    if (component[j] < 0)
                    {
                        component[j] = count;
                        queue.Enqueue(j);
                    }
            count++;
        }
        return component;

        void Link(int a, int b)
        {
            adjacency[a].Add(b);
            adjacency[b].Add(a);
        }
    }
}
