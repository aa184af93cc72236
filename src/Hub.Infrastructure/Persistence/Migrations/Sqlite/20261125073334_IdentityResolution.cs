using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IdentityResolution : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RecordedAt",
                table: "timeline",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<Guid>(
                name: "MergedIntoId",
                table: "customers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "Stamp",
                table: "customers",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<bool>(
                name: "Tainted",
                table: "customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "customer_merges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    SurvivorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MergedId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TouchpointId = table.Column<Guid>(type: "TEXT", nullable: true),
                    MergedIdentifiers = table.Column<string>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    UndoneAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customer_merges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "field_observations",
                columns: table => new
                {
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    LastObservedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_field_observations", x => new { x.CustomerId, x.Field, x.Source, x.Value });
                    table.ForeignKey(
                        name: "FK_field_observations_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "identity_conflicts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OtherCustomerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    IdentifierType = table.Column<string>(type: "TEXT", nullable: true),
                    IdentifierValue = table.Column<string>(type: "TEXT", nullable: true),
                    TouchpointId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_conflicts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "identity_links",
                columns: table => new
                {
                    TouchpointId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_links", x => new { x.TouchpointId, x.Type, x.Value });
                });

            migrationBuilder.CreateTable(
                name: "identity_separations",
                columns: table => new
                {
                    SeparationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Side = table.Column<string>(type: "TEXT", maxLength: 1, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_identity_separations", x => new { x.SeparationId, x.Side, x.Type, x.Value });
                });

            migrationBuilder.CreateIndex(
                name: "IX_customers_MergedIntoId",
                table: "customers",
                column: "MergedIntoId");

            migrationBuilder.CreateIndex(
                name: "IX_customer_merges_MergedId",
                table: "customer_merges",
                column: "MergedId");

            migrationBuilder.CreateIndex(
                name: "IX_customer_merges_SurvivorId",
                table: "customer_merges",
                column: "SurvivorId");

            migrationBuilder.CreateIndex(
                name: "IX_identity_conflicts_CustomerId",
                table: "identity_conflicts",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_identity_conflicts_OtherCustomerId",
                table: "identity_conflicts",
                column: "OtherCustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_identity_links_Value_Type",
                table: "identity_links",
                columns: new[] { "Value", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_identity_separations_Value_Type",
                table: "identity_separations",
                columns: new[] { "Value", "Type" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customer_merges");

            migrationBuilder.DropTable(
                name: "field_observations");

            migrationBuilder.DropTable(
                name: "identity_conflicts");

            migrationBuilder.DropTable(
                name: "identity_links");

            migrationBuilder.DropTable(
                name: "identity_separations");

            migrationBuilder.DropIndex(
                name: "IX_customers_MergedIntoId",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "RecordedAt",
                table: "timeline");

            migrationBuilder.DropColumn(
                name: "MergedIntoId",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "Stamp",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "Tainted",
                table: "customers");
        }
    }
}
